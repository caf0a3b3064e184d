import { Form, Input, Space, Table, Tag, Typography } from "antd";
import { useIntl } from "react-intl";

import { bureauToday } from "../deadline";
import { discoveryProblem, outcomePhrase, penaltyPhrases, type TransferOutcome } from "./outcome";

export interface TransferRow {
  case_source_id: string;
  credit_code: string | null;
  allegation: string;
  transferred_by: string;
  transferred_at: string;
  discovered_on: string | null;
  outcome: TransferOutcome;
}

// Tag colours of the outcomes whose text keeps WCAG AA contrast.
const COLOURS: Record<TransferOutcome["status"], string> = {
  transferred: "default",
  filed: "blue",
  not_filed: "red",
  decided: "magenta",
  closed: "purple",
};

/** The outcome as one sentence in the reader's language. */
export function useOutcomeText() {
  const intl = useIntl();
  const money = (amount: string) => intl.formatNumber(Number(amount), { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return (outcome: TransferOutcome) => {
    const penalty = penaltyPhrases(outcome, money)
      .map((phrase) => intl.formatMessage({ id: phrase.key }, phrase.values))
      .join(intl.locale.startsWith("zh") ? "、" : ", ");
    const sentence = outcomePhrase(outcome, penalty);
    return intl.formatMessage({ id: sentence.key }, sentence.values);
  };
}

/** Case sources transferred to enforcement, each with what came of it (通报备案). */
export function TransfersTable({ rows, loading }: { rows: TransferRow[]; loading?: boolean }) {
  const intl = useIntl();
  const t = (id: string) => intl.formatMessage({ id });
  const outcomeText = useOutcomeText();
  const at = (instant: string) => new Date(instant).toLocaleString(intl.locale, { timeZone: "Asia/Shanghai" });
  return (
    <Table<TransferRow>
      rowKey="case_source_id"
      size="small"
      loading={loading}
      dataSource={rows}
      pagination={{ pageSize: 20, hideOnSinglePage: true }}
      locale={{ emptyText: t("shell.empty") }}
      data-testid="case-transfers"
      columns={[
        { title: t("transfers.transferredAt"), dataIndex: "transferred_at", width: 180, render: at },
        { title: t("transfers.discoveredOn"), dataIndex: "discovered_on", width: 110, render: (day: string | null) => day ?? "—" },
        { title: t("transfers.creditCode"), dataIndex: "credit_code", width: 190, render: (code: string | null) => code ?? "—" },
        { title: t("transfers.allegation"), dataIndex: "allegation", render: (text: string) => <span style={{ whiteSpace: "pre-wrap" }}>{text}</span> },
        {
          title: t("transfers.outcome"),
          key: "outcome",
          render: (_, row) => (
            <Space orientation="vertical" size={2}>
              <Tag color={COLOURS[row.outcome.status]} data-outcome={row.outcome.status} style={{ whiteSpace: "normal" }}>
                {outcomeText(row.outcome)}
              </Tag>
              {row.outcome.status !== "transferred" && (
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {at(row.outcome.at)}
                </Typography.Text>
              )}
            </Space>
          ),
        },
        { title: t("transfers.transferredBy"), dataIndex: "transferred_by", width: 110, responsive: ["lg"] },
      ]}
    />
  );
}

/** The day the lead was found: optional (today when empty), never after today. */
export function DiscoveredOnField() {
  const intl = useIntl();
  const t = (id: string) => intl.formatMessage({ id });
  const today = bureauToday();
  return (
    <Form.Item
      label={t("transfers.discoveredOn")}
      name="discovered_on"
      extra={t("transfers.discoveredOnHint")}
      rules={[
        {
          validator: async (_, day: string | undefined) => {
            if (discoveryProblem(day, bureauToday())) throw new Error(t("transfers.rule.future"));
          },
        },
      ]}
    >
      <Input type="date" max={today} style={{ maxWidth: 200 }} />
    </Form.Item>
  );
}
