import { MinusCircleOutlined, PlusOutlined } from "@ant-design/icons";
import { Button, Form, Input, InputNumber, Modal, Select, Space, Table, Tag, Typography } from "antd";
import { useState } from "react";
import { FormattedMessage, useIntl } from "react-intl";
import { Link, useNavigate, useSearchParams } from "react-router-dom";

import { bureauToday } from "../../common/deadline";
import { showFieldErrors } from "../../common/forms";
import { ProblemAlert } from "../../common/ProblemAlert";
import { useAudits, useCan, usePlanAudit, useProcesses, type Audit, type AuditIn } from "./api";
import { auditCovers, listSeparator, SEVERITIES } from "./rules";

interface PlanValues {
  title: string;
  process?: string;
  office?: string;
  planned_on: string;
  auditors: string[];
  checklist: { question: string; reference?: string }[];
}

/** The internal audit programme of a year, by planned day; planning an audit with its checklist. */
export function AuditsPage() {
  const intl = useIntl();
  const t = (id: string, values?: Record<string, string | number>) => intl.formatMessage({ id }, values);
  const navigate = useNavigate();
  const acting = useCan("qms_manager");
  const [search, setSearch] = useSearchParams();
  const thisYear = Number(bureauToday().slice(0, 4));
  const year = Number(search.get("year")) || thisYear;
  const audits = useAudits(year);
  const processes = useProcesses();
  const plan = usePlanAudit();
  const [planning, setPlanning] = useState(false);
  const [form] = Form.useForm<PlanValues>();

  return (
    <Space direction="vertical" style={{ width: "100%" }}>
      <Space style={{ justifyContent: "space-between", width: "100%" }} wrap>
        <Typography.Title level={1} style={{ fontSize: 20, margin: 0 }}>
          <FormattedMessage id="quality.audits.title" />
        </Typography.Title>
        {acting && (
          <Button type="primary" onClick={() => setPlanning(true)}>
            <FormattedMessage id="quality.audits.plan" />
          </Button>
        )}
      </Space>
      <Space>
        <label htmlFor="audits-year">
          <FormattedMessage id="quality.audits.year" />
        </label>
        <InputNumber id="audits-year" min={2000} max={2100} value={year} onChange={(value) => value && setSearch({ year: String(value) })} />
      </Space>
      <ProblemAlert error={audits.error} />
      <Table<Audit>
        rowKey="id"
        size="small"
        loading={audits.isPending}
        dataSource={audits.data}
        pagination={false}
        locale={{ emptyText: t("shell.empty") }}
        columns={[
          { title: t("quality.audits.plannedOn"), dataIndex: "planned_on" },
          { title: t("quality.audits.auditTitle"), dataIndex: "title", render: (title: string, row) => <Link to={`/quality/audits/${row.id}`}>{title}</Link> },
          { title: t("quality.docs.process"), dataIndex: "process", render: (value: string | null) => value ?? "—" },
          { title: t("quality.field.office"), dataIndex: "office", render: (value: string | null) => value ?? "—" },
          { title: t("quality.audits.auditors"), dataIndex: "auditors", render: (names: string[]) => names.join(listSeparator(intl.locale)) },
          { title: t("quality.audits.checklist"), dataIndex: "checklist", render: (items: unknown[]) => items.length },
          {
            title: t("quality.audits.findings"),
            dataIndex: "findings",
            render: (findings: Audit["findings"]) => (
              <Space size={4} wrap>
                {SEVERITIES.map((severity) => {
                  const count = findings.filter((finding) => finding.severity === severity).length;
                  return count ? <Tag key={severity}>{`${t(`quality.severity.${severity}`)} ${count}`}</Tag> : null;
                })}
              </Space>
            ),
          },
        ]}
      />
      <Modal
        open={planning}
        title={t("quality.audits.plan")}
        okText={t("shell.submit")}
        cancelText={t("shell.cancel")}
        confirmLoading={plan.isPending}
        onCancel={() => setPlanning(false)}
        onOk={() => form.submit()}
        width={760}
        destroyOnHidden
      >
        <ProblemAlert error={plan.error} />
        <Form<PlanValues>
          form={form}
          name="audit"
          layout="vertical"
          preserve={false}
          initialValues={{ checklist: [{ question: "" }], auditors: [], planned_on: bureauToday() }}
          onFinish={async (values) => {
            const body: AuditIn = {
              title: values.title,
              process: values.process || null,
              office: values.office?.trim() || null,
              planned_on: values.planned_on,
              auditors: values.auditors,
              checklist: values.checklist.map((item) => ({ question: item.question, reference: item.reference?.trim() || null })),
            };
            try {
              const planned = await plan.mutateAsync(body);
              setPlanning(false);
              navigate(`/quality/audits/${planned.id}`);
            } catch (error) {
              showFieldErrors(form, error);
            }
          }}
        >
          <Form.Item label={t("quality.audits.auditTitle")} name="title" rules={[{ required: true, whitespace: true, max: 200 }]}>
            <Input />
          </Form.Item>
          <Space wrap>
            <Form.Item
              label={t("quality.docs.process")}
              name="process"
              dependencies={["office"]}
              rules={[
                {
                  validator: async (_, process?: string) =>
                    auditCovers(process, form.getFieldValue("office")) ? undefined : Promise.reject(new Error(t("quality.rule.covers"))),
                },
              ]}
            >
              <Select allowClear style={{ width: 320 }} options={(processes.data ?? []).map((item) => ({ value: item.code, label: item.name }))} />
            </Form.Item>
            <Form.Item label={t("quality.field.office")} name="office" rules={[{ max: 64 }]}>
              <Input style={{ width: 160 }} />
            </Form.Item>
            <Form.Item label={t("quality.audits.plannedOn")} name="planned_on" rules={[{ required: true }]}>
              <Input type="date" style={{ width: 180 }} />
            </Form.Item>
          </Space>
          <Form.Item label={t("quality.audits.auditors")} name="auditors" rules={[{ required: true, type: "array", min: 1 }]} extra={t("quality.audits.auditorsHint")}>
            <Select mode="tags" tokenSeparators={[",", " "]} open={false} suffixIcon={null} />
          </Form.Item>
          <Typography.Paragraph strong style={{ marginBottom: 8 }}>
            {t("quality.audits.checklist")}
          </Typography.Paragraph>
          <Form.List name="checklist">
            {(fields, { add, remove }) => (
              <>
                {fields.map((field, index) => (
                  <Space key={field.key} align="start" wrap>
                    <Form.Item
                      label={t("quality.audits.question", { number: index + 1 })}
                      name={[field.name, "question"]}
                      rules={[{ required: true, whitespace: true, max: 1000 }]}
                    >
                      <Input style={{ width: 420 }} />
                    </Form.Item>
                    <Form.Item label={t("quality.audits.reference")} name={[field.name, "reference"]} rules={[{ max: 100 }]}>
                      <Input style={{ width: 140 }} />
                    </Form.Item>
                    {fields.length > 1 && (
                      <Button
                        type="text"
                        aria-label={t("quality.audits.removeQuestion", { number: index + 1 })}
                        icon={<MinusCircleOutlined />}
                        style={{ marginTop: 30 }}
                        onClick={() => remove(field.name)}
                      />
                    )}
                  </Space>
                ))}
                <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ question: "" })}>
                  {t("quality.audits.addQuestion")}
                </Button>
              </>
            )}
          </Form.List>
        </Form>
      </Modal>
    </Space>
  );
}
