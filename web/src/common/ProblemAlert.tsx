import { Alert } from "antd";
import { useIntl } from "react-intl";

import { ApiProblem } from "../api/problems";

/** A problem's detail, with the request id to quote to the IT desk. */
export function ProblemAlert({ error }: { error: unknown }) {
  const intl = useIntl();
  if (!error) return null;
  const detail = error instanceof Error ? error.message : String(error);
  const requestId = error instanceof ApiProblem ? error.body.request_id : undefined;
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      title={detail}
      description={requestId ? intl.formatMessage({ id: "shell.error.request" }, { id: requestId }) : undefined}
      style={{ marginBottom: 16 }}
    />
  );
}
