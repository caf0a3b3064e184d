import { Spin } from "antd";
import { useIntl } from "react-intl";

export function Loading() {
  const intl = useIntl();
  return (
    <div style={{ padding: 48, textAlign: "center" }}>
      <Spin description={intl.formatMessage({ id: "shell.loading" })} />
    </div>
  );
}
