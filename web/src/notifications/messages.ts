import { catalogue } from "../i18n/catalogue";

export default catalogue("notifications", {
  "zh-CN": {
    householdAssigned: "新分配的监管户 {code}（网格 {grid}），请于 {due} 前认领",
    other: "{type}：{subject}",
  },
  en: {
    householdAssigned: "New household {code} in grid {grid}: claim by {due}",
    other: "{type}: {subject}",
  },
});
