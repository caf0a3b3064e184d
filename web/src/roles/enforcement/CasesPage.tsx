import { Alert, Card, Space, Table, Tag } from "antd";
import { useIntl } from "react-intl";
import { Link } from "react-router-dom";

import { DeadlineTag } from "../../common/DeadlineTag";
import { useRecentCases } from "./api";
import { OpenCaseForm } from "./OpenCaseForm";
import type { RecentCase } from "./rules";
import { CardTitle, PageTitle } from "./Titles";

/** The cases an officer works on: opened by number, or from those this browser has filed or opened. */
export function CasesPage() {
  const intl = useIntl();
  const t = (key: string) => intl.formatMessage({ id: key });
  const { cases } = useRecentCases();
  return (
    <Space orientation="vertical" style={{ width: "100%" }}>
      <PageTitle>{t("enforcement.cases.title")}</PageTitle>
      <Card title={<CardTitle>{t("enforcement.cases.open")}</CardTitle>}>
        <OpenCaseForm />
      </Card>
      <Card title={<CardTitle>{t("enforcement.cases.recent")}</CardTitle>}>
        <Alert type="info" showIcon title={t("enforcement.cases.recentHint")} style={{ marginBottom: 12 }} />
        <Table<RecentCase>
          rowKey="id"
          size="small"
          dataSource={cases}
          pagination={false}
          locale={{ emptyText: t("shell.empty") }}
          columns={[
            {
              title: t("enforcement.field.case"),
              dataIndex: "id",
              render: (id: string) => <Link to={`/enforcement/cases/${id}`}>{id}</Link>,
            },
            { title: t("enforcement.field.creditCode"), dataIndex: "credit_code" },
            {
              title: t("enforcement.cases.lastSeenStatus"),
              dataIndex: "status",
              render: (status: string) => <Tag>{t(`enforcement.caseStatus.${status}`)}</Tag>,
            },
            {
              title: t("enforcement.field.decisionDue"),
              dataIndex: "decision_due",
              render: (due: string, row) =>
                row.status === "filed" || row.status === "investigating" ? <DeadlineTag due={due} /> : due,
            },
            {
              title: t("enforcement.cases.seenAt"),
              dataIndex: "seen_at",
              render: (at: string) => new Date(at).toLocaleString(intl.locale, { timeZone: "Asia/Shanghai" }),
            },
          ]}
        />
      </Card>
    </Space>
  );
}
