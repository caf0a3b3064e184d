import { AutoComplete, Button, Card, Form, Input, Segmented, Space, Table, Tag, Typography } from "antd";
import { useMemo } from "react";
import { FormattedMessage, useIntl } from "react-intl";
import { useSearchParams } from "react-router-dom";

import { useMe } from "../../auth/me";
import { bureauToday } from "../../common/deadline";
import { ProblemAlert } from "../../common/ProblemAlert";
import { showFieldErrors } from "../../common/forms";
import { useDelegate, useDelegations, useGrids, type Delegation } from "../inspector/api";
import { useText } from "../inspector/forms";
import { delegationProblem, delegationState, type DelegationState } from "./rules";

interface Values {
  officer: string;
  agent: string;
  start: string;
  end: string;
}

const STATE_FILTERS = ["all", "running", "upcoming", "ended"] as const;
const STATE_COLOURS: Record<DelegationState, string> = { running: "green", upcoming: "blue", ended: "default" };

/** 职位代理: who stands in for an inspector while they are away; while it runs the agent sees
 * and acts on the officer's grids, and new households name them too. */
export function DelegationsPage() {
  const intl = useIntl();
  const t = useText();
  const me = useMe();
  const office = me.data?.office ?? null;
  const today = bureauToday();
  const officeGrids = useGrids(office);
  const allGrids = useGrids();
  const delegations = useDelegations();
  const delegate = useDelegate();
  const [form] = Form.useForm<Values>();
  const [search, setSearch] = useSearchParams();
  const state = STATE_FILTERS.find((value) => value === search.get("state")) ?? "all";

  const officers = useMemo(() => [...new Set((officeGrids.data ?? []).map((g) => g.owner))].sort(), [officeGrids.data]);
  const inspectors = useMemo(() => [...new Set((allGrids.data ?? []).map((g) => g.owner))].sort(), [allGrids.data]);
  const rows = (delegations.data ?? []).filter((d) => state === "all" || delegationState(d, today) === state);

  const onFinish = async (values: Values) => {
    try {
      await delegate.mutateAsync({ ...values, officer: values.officer.trim(), agent: values.agent.trim() });
      form.resetFields(["agent", "start", "end"]);
    } catch (error) {
      showFieldErrors(form, error);
    }
  };

  return (
    <Space orientation="vertical" style={{ width: "100%" }} size="middle">
      <Typography.Title level={1} style={{ fontSize: 20, margin: 0 }}>
        <FormattedMessage id="office.delegations.title" />
      </Typography.Title>
      <Card
        size="small"
        title={
          <Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>
            {t("office.delegation.new")}
          </Typography.Title>
        }
      >
        <ProblemAlert error={delegate.error} />
        <Form<Values> form={form} layout="vertical" onFinish={onFinish} initialValues={{ start: today, end: today }}>
          <Space wrap align="start">
            <Form.Item label={t("office.delegation.officer")} name="officer" rules={[{ required: true, whitespace: true }]}>
              <AutoComplete style={{ width: 200 }} options={officers.map((value) => ({ value }))} />
            </Form.Item>
            <Form.Item
              label={t("office.delegation.agent")}
              name="agent"
              dependencies={["officer"]}
              rules={[
                { required: true, whitespace: true },
                ({ getFieldValue }) => ({
                  validator: async (_, agent: string) => {
                    if (agent && agent.trim() === String(getFieldValue("officer") ?? "").trim()) {
                      throw new Error(t("office.delegation.rule.self"));
                    }
                  },
                }),
              ]}
            >
              <AutoComplete style={{ width: 200 }} options={inspectors.map((value) => ({ value }))} />
            </Form.Item>
            <Form.Item label={t("office.delegation.start")} name="start" rules={[{ required: true }]}>
              <Input type="date" />
            </Form.Item>
            <Form.Item
              label={t("office.delegation.end")}
              name="end"
              dependencies={["start"]}
              rules={[
                { required: true },
                ({ getFieldValue }) => ({
                  validator: async (_, end: string) => {
                    const problem = delegationProblem(
                      { officer: "-", agent: "+", start: getFieldValue("start"), end },
                      today,
                    );
                    if (problem && problem !== "office.delegation.rule.complete") throw new Error(t(problem));
                  },
                }),
              ]}
            >
              <Input type="date" />
            </Form.Item>
          </Space>
          <Button type="primary" htmlType="submit" loading={delegate.isPending}>
            <FormattedMessage id="office.delegation.submit" />
          </Button>
        </Form>
      </Card>
      <Segmented
        aria-label={t("office.delegations.filter")}
        value={state}
        onChange={(value) => setSearch(value === "all" ? {} : { state: String(value) }, { replace: true })}
        options={STATE_FILTERS.map((value) => ({ value, label: t(`office.delegationState.${value}`) }))}
      />
      <ProblemAlert error={delegations.error} />
      <Table<Delegation>
        rowKey="id"
        size="small"
        loading={delegations.isPending}
        dataSource={rows}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={{ emptyText: t("shell.empty") }}
        columns={[
          { title: t("office.delegation.officer"), dataIndex: "officer" },
          { title: t("office.delegation.agent"), dataIndex: "agent" },
          { title: t("office.delegation.start"), dataIndex: "start" },
          { title: t("office.delegation.end"), dataIndex: "end" },
          {
            title: t("office.delegation.state"),
            key: "state",
            render: (_, row) => {
              const now = delegationState(row, today);
              return <Tag color={STATE_COLOURS[now]}>{t(`office.delegationState.${now}`)}</Tag>;
            },
          },
          {
            title: t("office.delegation.createdBy"),
            key: "created",
            responsive: ["md"],
            render: (_, row) => `${row.created_by} · ${new Date(row.created_at).toLocaleString(intl.locale)}`,
          },
        ]}
      />
    </Space>
  );
}
