import { Button, Select, Space } from "antd";
import { useState } from "react";

import { ProblemAlert } from "../../common/ProblemAlert";
import { useRecordRandomResult, type ResultIn } from "../inspector/api";
import { useText } from "../inspector/forms";

export const OUTCOMES: ResultIn["outcome"][] = ["compliant", "problems_found", "not_at_address"];

/** Record a drawn household's result: its outcome, as the service allows them. */
export function RandomResult({ planId, creditCode }: { planId: string; creditCode: string }) {
  const t = useText();
  const record = useRecordRandomResult(planId);
  const [outcome, setOutcome] = useState<ResultIn["outcome"]>();
  return (
    <Space orientation="vertical" size="small">
      <Space wrap>
        <Select<ResultIn["outcome"]>
          style={{ width: 200 }}
          aria-label={t("office.random.recordFor", { code: creditCode })}
          placeholder={t("office.random.outcome")}
          value={outcome}
          onChange={setOutcome}
          options={OUTCOMES.map((value) => ({ value, label: t(`office.outcome.${value}`) }))}
        />
        <Button
          size="small"
          disabled={!outcome}
          loading={record.isPending}
          onClick={() => outcome && record.mutate({ credit_code: creditCode, outcome })}
        >
          {t("office.random.record")}
        </Button>
      </Space>
      <ProblemAlert error={record.error} />
    </Space>
  );
}
