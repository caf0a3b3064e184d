import { Button, Card, Form, Input, InputNumber, Select, Space, Table, Tag, Typography } from "antd";
import { useMemo } from "react";
import { FormattedMessage, useIntl } from "react-intl";
import { Link, useNavigate } from "react-router-dom";

import { useMe } from "../../auth/me";
import { ProblemAlert } from "../../common/ProblemAlert";
import { showFieldErrors } from "../../common/forms";
import { useCreateRandomPlan, useGrids, useRandomPlans, type RandomPlanSummary } from "../inspector/api";
import { useText } from "../inspector/forms";
import { poolOf } from "./draws";

interface Values {
  title: string;
  inspectors: string[];
  inspectors_per_household: number;
}

/** 双随机抽查: the office's plans, and a new one with its inspector pool. */
export function RandomPlansPage() {
  const intl = useIntl();
  const t = useText();
  const navigate = useNavigate();
  const me = useMe();
  const office = me.data?.office ?? null;
  const grids = useGrids(office);
  const plans = useRandomPlans();
  const create = useCreateRandomPlan();
  const [form] = Form.useForm<Values>();
  const owners = useMemo(() => [...new Set((grids.data ?? []).map((g) => g.owner))].sort(), [grids.data]);

  const onFinish = async (values: Values) => {
    try {
      const plan = await create.mutateAsync({ ...values, title: values.title.trim(), inspectors: poolOf(values.inspectors) });
      navigate(`/office/random-inspections/${plan.id}`);
    } catch (error) {
      showFieldErrors(form, error);
    }
  };

  return (
    <Space orientation="vertical" style={{ width: "100%" }} size="middle">
      <Typography.Title level={1} style={{ fontSize: 20, margin: 0 }}>
        <FormattedMessage id="office.random.title" />
      </Typography.Title>
      <Card
        size="small"
        title={
          <Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>
            {t("office.random.new")}
          </Typography.Title>
        }
      >
        <ProblemAlert error={create.error} />
        <Form<Values>
          form={form}
          layout="vertical"
          onFinish={onFinish}
          initialValues={{ inspectors: [], inspectors_per_household: 2 }}
          data-testid="random-plan-form"
        >
          <Form.Item label={t("office.random.planTitle")} name="title" rules={[{ required: true, whitespace: true, max: 200 }]}>
            <Input style={{ maxWidth: 480 }} />
          </Form.Item>
          <Form.Item
            label={t("office.random.pool")}
            name="inspectors"
            extra={t("office.random.poolHint")}
            rules={[{ required: true, type: "array", min: 1 }]}
          >
            <Select
              mode="tags"
              style={{ maxWidth: 480 }}
              aria-label={t("office.random.pool")}
              options={owners.map((value) => ({ value, label: value }))}
              tokenSeparators={[",", " "]}
            />
          </Form.Item>
          <Form.Item label={t("office.random.perHousehold")} name="inspectors_per_household" rules={[{ required: true }]}>
            <InputNumber min={1} max={5} />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={create.isPending}>
            <FormattedMessage id="office.random.create" />
          </Button>
        </Form>
      </Card>
      <ProblemAlert error={plans.error} />
      <Table<RandomPlanSummary>
        rowKey="id"
        size="small"
        loading={plans.isPending}
        dataSource={plans.data ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={{ emptyText: t("shell.empty") }}
        data-testid="random-plans"
        columns={[
          {
            title: t("office.random.planTitle"),
            dataIndex: "title",
            render: (title: string, row) => <Link to={`/office/random-inspections/${row.id}`}>{title}</Link>,
          },
          {
            title: t("office.random.createdAt"),
            dataIndex: "created_at",
            responsive: ["md"],
            render: (at: string, row) => `${new Date(at).toLocaleString(intl.locale)} · ${row.created_by}`,
          },
          { title: t("office.random.draws"), dataIndex: "draws" },
          {
            title: t("office.random.latest"),
            dataIndex: "latest_status",
            render: (status: RandomPlanSummary["latest_status"]) =>
              status ? (
                <Tag color={status === "drawn" ? "green" : "blue"}>{t(`office.status.${status}`)}</Tag>
              ) : (
                t("office.random.notDrawn")
              ),
          },
        ]}
      />
    </Space>
  );
}
