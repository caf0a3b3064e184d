import { Button } from "antd";
import { FormattedMessage } from "react-intl";

import { useLanguage } from "../i18n/language";

export function LanguageSwitch() {
  const { language, choose } = useLanguage();
  const other = language === "zh-CN" ? "en" : "zh-CN";
  return (
    <Button type="link" lang={other} onClick={() => choose(other)}>
      <FormattedMessage id="shell.language" />
    </Button>
  );
}
