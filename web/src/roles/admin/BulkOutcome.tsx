import { Button, Typography } from "antd";
import { useIntl } from "react-intl";

import type { Outcome } from "./rules";

/** What a bulk action did: how many went through, and each refusal with its reason. */
export function BulkOutcome({ outcome, onClose }: { outcome: Outcome<string>; onClose: () => void }) {
  const intl = useIntl();
  return (
    <div role="status">
      <Typography.Text type={outcome.failed.length ? "danger" : "success"}>
        {intl.formatMessage({ id: "admin.bulk.outcome" }, { done: outcome.done.length, failed: outcome.failed.length })}
      </Typography.Text>{" "}
      <Button type="link" size="small" onClick={onClose}>
        {intl.formatMessage({ id: "admin.close" })}
      </Button>
      {outcome.failed.map((failure) => (
        <div key={failure.item}>
          <Typography.Text type="danger">
            {failure.item}: {failure.error instanceof Error ? failure.error.message : String(failure.error)}
          </Typography.Text>
        </div>
      ))}
    </div>
  );
}
