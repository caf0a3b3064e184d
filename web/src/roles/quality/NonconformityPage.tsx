import { Button, Card, Descriptions, Form, Input, Radio, Space, Steps, Table, Tag, Typography } from "antd";
import { FormattedMessage, useIntl } from "react-intl";
import { Link, useParams } from "react-router-dom";

import { DeadlineTag } from "../../common/DeadlineTag";
import { showFieldErrors } from "../../common/forms";
import { Loading } from "../../common/Loading";
import { ProblemAlert } from "../../common/ProblemAlert";
import { ActionForm } from "./ActionForm";
import { useCan, useCheckEffectiveness, useCompleteAction, useNonconformity, usePlanAction, type EffectivenessIn } from "./api";
import { STATUS_COLOURS } from "./NonconformitiesPage";
import { known } from "./known";
import { bureauTime, nextSteps, PDCA } from "./rules";
import { GREEN, RED } from "./colours";

/** One nonconformity through its PDCA: evidence, corrective actions, the effectiveness check. */
export function NonconformityPage() {
  const { id = "" } = useParams();
  const intl = useIntl();
  const t = (key: string, values?: Record<string, string | number>) => intl.formatMessage({ id: key }, values);
  const acting = useCan("qms_manager");
  const found = useNonconformity(id);
  const plan = usePlanAction();
  const complete = useCompleteAction(id);
  const check = useCheckEffectiveness(id);
  const [checkForm] = Form.useForm<EffectivenessIn>();

  if (found.isPending) return <Loading />;
  if (!found.data) return <ProblemAlert error={found.error} />;
  const nc = found.data;
  const steps = acting ? nextSteps(nc) : [];
  const when = (at: string | null | undefined) => bureauTime(at, intl.locale);

  return (
    <Space direction="vertical" style={{ width: "100%" }}>
      <Card
        title={
          <Typography.Title level={1} style={{ fontSize: 20, margin: 0 }}>
            <FormattedMessage id="quality.nc.one" values={{ source: t(`quality.ncSource.${nc.source}`) }} />
          </Typography.Title>
        }
        extra={
          <Tag color={STATUS_COLOURS[nc.status]} data-testid="nc-status">
            {t(`quality.ncStatus.${nc.status}`)}
          </Tag>
        }
      >
        <Steps
          size="small"
          current={PDCA.indexOf(nc.stage)}
          style={{ marginBottom: 16 }}
          items={PDCA.map((stage) => ({ title: t(`quality.pdca.${stage}`) }))}
        />
        <ProblemAlert error={plan.error ?? complete.error ?? check.error} />
        <Descriptions column={{ xs: 1, md: 2 }} size="small" bordered>
          <Descriptions.Item label={t("quality.nc.description")} span={2}>
            {nc.description}
          </Descriptions.Item>
          <Descriptions.Item label={t("quality.nc.subject")}>
            <Link to={`/quality/audit-log?subject=${encodeURIComponent(nc.subject)}`} data-testid="nc-subject">
              {nc.subject}
            </Link>
          </Descriptions.Item>
          <Descriptions.Item label={t("quality.nc.basis")}>{nc.basis_code ?? "—"}</Descriptions.Item>
          <Descriptions.Item label={t("quality.field.office")}>{nc.office ?? t("quality.bureau")}</Descriptions.Item>
          <Descriptions.Item label={t("quality.nc.raisedBy")}>
            {nc.raised_by} · {when(nc.raised_at)}
          </Descriptions.Item>
          {nc.closed_at && <Descriptions.Item label={t("quality.nc.closedAt")}>{when(nc.closed_at)}</Descriptions.Item>}
        </Descriptions>
      </Card>
      {(nc.evidence.event_type || nc.evidence.basis) && (
        <Card title={<Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>{t("quality.nc.evidence")}</Typography.Title>}>
          <Descriptions column={1} size="small">
            <Descriptions.Item label={t("quality.nc.legalBasis")}>{nc.evidence.basis ?? "—"}</Descriptions.Item>
            <Descriptions.Item label={t("quality.nc.eventType")}>
              <span data-testid="nc-event-type">{nc.evidence.event_type ?? "—"}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t("quality.nc.eventId")}>{nc.evidence.event_id ?? "—"}</Descriptions.Item>
            {Object.entries(nc.evidence.facts).map(([name, value]) => (
              <Descriptions.Item key={name} label={known(intl, `quality.fact.${name}`, name)}>
                {value}
              </Descriptions.Item>
            ))}
          </Descriptions>
        </Card>
      )}
      <Card title={<Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>{t("quality.nc.actions")}</Typography.Title>}>
        <Table
          rowKey="number"
          size="small"
          pagination={false}
          dataSource={nc.actions}
          locale={{ emptyText: t("quality.nc.noActions") }}
          columns={[
            { title: "#", dataIndex: "number", width: 48 },
            { title: t("quality.action.description"), dataIndex: "description" },
            { title: t("quality.action.owner"), dataIndex: "owner" },
            {
              title: t("quality.action.due"),
              dataIndex: "due",
              render: (due: string, action) => (action.done ? due : <DeadlineTag due={due} />),
            },
            {
              title: t("quality.action.done"),
              key: "done",
              render: (_: unknown, action) =>
                action.done ? (
                  <span data-testid={`action-done-${action.number}`}>
                    {action.done_by} · {when(action.done_at)}
                  </span>
                ) : steps.includes("complete") ? (
                  <Button
                    size="small"
                    loading={complete.isPending && complete.variables === action.number}
                    onClick={() => complete.mutate(action.number)}
                  >
                    {t("quality.action.complete", { number: action.number })}
                  </Button>
                ) : (
                  t("quality.action.pending")
                ),
            },
          ]}
        />
        {steps.includes("plan") && (
          <div style={{ marginTop: 16, maxWidth: 640 }}>
            <Typography.Title level={3} style={{ fontSize: 14 }}>
              <FormattedMessage id="quality.nc.plan" />
            </Typography.Title>
            <ActionForm
              id="plan-action"
              pending={plan.isPending}
              submitLabel={t("quality.nc.plan")}
              onSubmit={(body) => plan.mutateAsync({ id: nc.id, body })}
            />
          </div>
        )}
      </Card>
      <Card title={<Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>{t("quality.nc.checks")}</Typography.Title>}>
        <Table
          rowKey="number"
          size="small"
          pagination={false}
          dataSource={nc.checks}
          locale={{ emptyText: t("quality.nc.noChecks") }}
          columns={[
            { title: "#", dataIndex: "number", width: 48 },
            {
              title: t("quality.check.effective"),
              dataIndex: "effective",
              render: (effective: boolean) => (
                <Tag color={effective ? GREEN : RED}>{t(effective ? "quality.check.yes" : "quality.check.no")}</Tag>
              ),
            },
            { title: t("quality.check.evidence"), dataIndex: "evidence" },
            { title: t("quality.check.by"), dataIndex: "checked_by", render: (by: string, row) => `${by} · ${when(row.checked_at)}` },
          ]}
        />
        {steps.includes("check") && (
          <Form<EffectivenessIn>
            form={checkForm}
            name="check"
            layout="vertical"
            style={{ marginTop: 16, maxWidth: 640 }}
            initialValues={{ effective: true }}
            onFinish={async (values) => {
              try {
                await check.mutateAsync(values);
                checkForm.resetFields();
              } catch (error) {
                showFieldErrors(checkForm, error);
              }
            }}
          >
            <Form.Item label={t("quality.check.effective")} name="effective">
              <Radio.Group
                options={[
                  { value: true, label: t("quality.check.yes") },
                  { value: false, label: t("quality.check.no") },
                ]}
              />
            </Form.Item>
            <Form.Item label={t("quality.check.evidence")} name="evidence" rules={[{ required: true, whitespace: true, max: 4000 }]}>
              <Input.TextArea rows={2} />
            </Form.Item>
            <Button type="primary" htmlType="submit" loading={check.isPending}>
              <FormattedMessage id="quality.check.submit" />
            </Button>
          </Form>
        )}
      </Card>
    </Space>
  );
}
