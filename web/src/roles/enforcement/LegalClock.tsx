import { Space, Tag, Typography } from "antd";
import { useIntl } from "react-intl";

import { DeadlineTag } from "../../common/DeadlineTag";
import type { Deadline } from "./api";
import { clockFacts } from "./rules";

/** A legal clock as the service computed it: the due day, what moved it, and its legal basis.
 * `running` false when the step it waits for was taken (the tag then reads no lateness). */
export function LegalClock({ deadline, running = true, testId }: { deadline: Deadline; running?: boolean; testId?: string }) {
  const intl = useIntl();
  const t = (id: string, values?: Record<string, string | number>) => intl.formatMessage({ id }, values);
  const rule = `enforcement.legal.${deadline.rule_code}`;
  return (
    <Space orientation="vertical" size={2} data-testid={testId}>
      <Space wrap size={4}>
        <Typography.Text strong>{intl.messages[rule] ? t(rule) : deadline.rule_code}</Typography.Text>
        <Typography.Text data-testid={testId ? `${testId}-due` : undefined}>{deadline.due}</Typography.Text>
        {running ? <DeadlineTag due={deadline.due} /> : <Tag>{t("enforcement.clock.stopped")}</Tag>}
      </Space>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {clockFacts(deadline)
          .map((fact) => t(`enforcement.clock.${fact.key}`, fact.values))
          .join(" · ")}
      </Typography.Text>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t("enforcement.clock.basis", { basis: deadline.basis })}
      </Typography.Text>
    </Space>
  );
}
