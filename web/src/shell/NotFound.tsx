import { Result } from "antd";
import { useIntl } from "react-intl";

export function NotFound() {
  const intl = useIntl();
  return <Result status="404" title={intl.formatMessage({ id: "shell.notFound" })} />;
}
