import { Alert, Space, Table, Typography } from "antd";
import { useIntl } from "react-intl";
import { Link } from "react-router-dom";

import { ProblemAlert } from "../../common/ProblemAlert";
import { usePublicity, type PublicityEntry } from "./api";
import { PageTitle } from "./Titles";

/** The penalties on the publicity feed, newest first, as the public will read them. */
export function PublicityPage() {
  const intl = useIntl();
  const t = (key: string) => intl.formatMessage({ id: key });
  const feed = usePublicity();
  const date = (at: string) => new Date(at).toLocaleString(intl.locale, { timeZone: "Asia/Shanghai" });
  return (
    <Space orientation="vertical" style={{ width: "100%" }}>
      <PageTitle>{t("enforcement.publicity.title")}</PageTitle>
      <Alert type="info" showIcon title={t("enforcement.publicity.hint")} />
      <ProblemAlert error={feed.error} />
      <Table<PublicityEntry>
        rowKey="case_id"
        size="small"
        loading={feed.isPending}
        dataSource={feed.data ?? []}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        locale={{ emptyText: t("shell.empty") }}
        columns={[
          {
            title: t("enforcement.field.case"),
            dataIndex: "case_id",
            render: (id: string) => <Link to={`/enforcement/cases/${id}`}>{id.slice(0, 8)}</Link>,
          },
          { title: t("enforcement.field.creditCode"), dataIndex: "credit_code" },
          { title: t("enforcement.field.penalty"), dataIndex: ["penalty", "kind"], render: (kind: string) => t(`enforcement.penalty.${kind}`) },
          {
            title: t("enforcement.field.amount"),
            dataIndex: ["penalty", "amount"],
            align: "right",
            render: (amount: string | null) =>
              amount === null ? "" : intl.formatNumber(Number(amount), { style: "currency", currency: "CNY" }),
          },
          { title: t("enforcement.field.legalBasis"), dataIndex: "legal_basis", ellipsis: true },
          { title: t("enforcement.field.decidedAt"), dataIndex: "decided_at", render: date },
          { title: t("enforcement.field.publishedAt"), dataIndex: "published_at", render: date },
          {
            title: t("enforcement.field.publishDue"),
            dataIndex: ["publish_deadline", "due"],
            render: (due: string, entry) => (
              <Space orientation="vertical" size={0}>
                <span>{due}</span>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>{entry.publish_deadline.basis}</Typography.Text>
              </Space>
            ),
          },
        ]}
      />
    </Space>
  );
}
