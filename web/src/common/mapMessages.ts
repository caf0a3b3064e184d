import { catalogue } from "../i18n/catalogue";

// The district map's own words (any role's screen may show the map).
export default catalogue("districtMap", {
  "zh-CN": {
    zoomIn: "放大",
    zoomOut: "缩小",
    "tone.overdue": "逾期未认领（{count}）",
    "tone.due": "即将到期未认领（{count}）",
    "tone.waiting": "待认领（{count}）",
    "tone.claimed": "已认领（{count}）",
    "tone.unrouted": "未分配（{count}）",
    "tone.cancelled": "已注销（{count}）",
  },
  en: {
    zoomIn: "Zoom in",
    zoomOut: "Zoom out",
    "tone.overdue": "Claim overdue ({count})",
    "tone.due": "Claim due soon ({count})",
    "tone.waiting": "To claim ({count})",
    "tone.claimed": "Claimed ({count})",
    "tone.unrouted": "Unrouted ({count})",
    "tone.cancelled": "Cancelled ({count})",
  },
});
