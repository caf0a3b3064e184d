import { Button, Card, Space, Table, Tag, Tooltip, Typography } from "antd";
import { FormattedMessage } from "react-intl";
import { Link } from "react-router-dom";

import { useMe } from "../../auth/me";
import { DeadlineTag } from "../../common/DeadlineTag";
import { ProblemAlert } from "../../common/ProblemAlert";
import { waitingFor, type Selected } from "../office/draws";
import { RandomResult } from "../office/RandomResult";
import { useDrawnPlans, useInspectionPlan, type PlannedHousehold } from "./api";
import { useText } from "./forms";
import { addressText } from "./rules";

/** 巡查计划: my claimed households, each next due by its risk class's rule (soonest first, the
 * service's order); and the households a random inspection drew for me, their result to record. */
export function PlanPage() {
  const t = useText();
  const plan = useInspectionPlan();
  return (
    <Space orientation="vertical" style={{ width: "100%" }}>
      <Typography.Title level={1} style={{ fontSize: 20, margin: 0 }}>
        <FormattedMessage id="inspector.plan.title" />
      </Typography.Title>
      <DrawnForMe />
      <Typography.Text type="secondary">
        <FormattedMessage id="inspector.plan.hint" />
      </Typography.Text>
      <ProblemAlert error={plan.error} />
      <Table<PlannedHousehold>
        rowKey="credit_code"
        size="small"
        loading={plan.isPending}
        dataSource={plan.data ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={{ emptyText: t("shell.empty") }}
        data-testid="inspection-plan"
        columns={[
          {
            title: t("inspector.field.name"),
            dataIndex: "name",
            render: (name: string | null, row) => <Link to={`/inspector/households/${row.credit_code}`}>{name ?? row.credit_code}</Link>,
          },
          { title: t("inspector.field.address"), dataIndex: "address", responsive: ["md"], render: (address: unknown) => addressText(address) },
          { title: t("inspector.plan.riskClass"), dataIndex: "risk_class", render: (value: string) => <Tag>{value}</Tag> },
          {
            title: t("inspector.plan.due"),
            key: "due",
            render: (_, row) => (
              <Tooltip title={row.basis}>
                <Space size={4} wrap>
                  <DeadlineTag due={row.due} />
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {row.rule_code}
                  </Typography.Text>
                </Space>
              </Tooltip>
            ),
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

interface Task extends Selected {
  planId: string;
  planTitle: string;
}

/** 抽给我的检查任务: the latest draw of each plan of my office, the households drawn for me with
 * no result yet. */
function DrawnForMe() {
  const t = useText();
  const me = useMe();
  const plans = useDrawnPlans();
  const mine = me.data?.sub;
  const tasks: Task[] = mine
    ? (plans.data ?? []).flatMap((p) =>
        waitingFor(mine, p.draws, p.results).map((s) => ({ ...s, planId: p.id, planTitle: p.title })),
      )
    : [];
  if (plans.error) return <ProblemAlert error={plans.error} />;
  if (tasks.length === 0) return null;
  return (
    <Card size="small" title={t("office.random.mine")} data-testid="drawn-for-me">
      <Table<Task>
        rowKey={(row) => `${row.planId}-${row.credit_code}`}
        size="small"
        dataSource={tasks}
        pagination={false}
        columns={[
          { title: t("office.random.plan"), dataIndex: "planTitle" },
          {
            title: t("office.random.household"),
            dataIndex: "credit_code",
            render: (code: string) => <Link to={`/inspector/households/${code}`}>{code}</Link>,
          },
          { title: t("office.random.riskClass"), dataIndex: "risk_class", render: (value: string) => <Tag>{value}</Tag> },
          {
            title: t("office.random.result"),
            key: "result",
            render: (_, row) => <RandomResult planId={row.planId} creditCode={row.credit_code} />,
          },
        ]}
      />
    </Card>
  );
}
