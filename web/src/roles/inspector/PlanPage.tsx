import { Button, Space, Table, Typography } from "antd";
import { FormattedMessage, useIntl } from "react-intl";
import { Link } from "react-router-dom";

import { ProblemAlert } from "../../common/ProblemAlert";
import { useInspectionPlan, type Household } from "./api";
import { useText } from "./forms";
import { addressText } from "./rules";

/** 巡查计划: my claimed households due a visit, the longest unvisited first (the service's order). */
export function PlanPage() {
  const intl = useIntl();
  const t = useText();
  const plan = useInspectionPlan();
  return (
    <Space orientation="vertical" style={{ width: "100%" }}>
      <Typography.Title level={1} style={{ fontSize: 20, margin: 0 }}>
        <FormattedMessage id="inspector.plan.title" />
      </Typography.Title>
      <Typography.Text type="secondary">
        <FormattedMessage id="inspector.plan.hint" />
      </Typography.Text>
      <ProblemAlert error={plan.error} />
      <Table<Household>
        rowKey="credit_code"
        size="small"
        loading={plan.isPending}
        dataSource={plan.data ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={{ emptyText: t("shell.empty") }}
        columns={[
          {
            title: t("inspector.field.name"),
            dataIndex: "name",
            render: (name: string | null, row) => <Link to={`/inspector/households/${row.credit_code}`}>{name ?? row.credit_code}</Link>,
          },
          { title: t("inspector.field.address"), dataIndex: "address", responsive: ["md"], render: (address: unknown) => addressText(address) },
          {
            title: t("inspector.field.claimedAt"),
            dataIndex: "claimed_at",
            responsive: ["md"],
            render: (at: string | null) => (at ? new Date(at).toLocaleDateString(intl.locale) : "—"),
          },
          {
            title: t("inspector.field.actions"),
            key: "actions",
            render: (_, row) => (
              <Link to={`/inspector/households/${row.credit_code}/inspection`}>
                <Button size="small" aria-label={t("inspector.plan.record", { name: row.name ?? row.credit_code })}>
                  {t("inspector.inspection.new")}
                </Button>
              </Link>
            ),
          },
        ]}
      />
    </Space>
  );
}
