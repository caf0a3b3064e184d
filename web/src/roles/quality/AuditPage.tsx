import { Button, Card, Descriptions, Form, Input, Select, Space, Table, Tag, Typography } from "antd";
import { FormattedMessage, useIntl } from "react-intl";
import { Link, useParams } from "react-router-dom";

import { showFieldErrors } from "../../common/forms";
import { Loading } from "../../common/Loading";
import { ProblemAlert } from "../../common/ProblemAlert";
import { useAudit, useCan, useRecordFinding, type Audit, type FindingIn } from "./api";
import { listSeparator, SEVERITIES } from "./rules";
import { GOLD, GREY, RED } from "./colours";

const SEVERITY_COLOURS: Record<string, string> = { major: RED, minor: GOLD, observation: GREY };

/** One internal audit: its checklist, the findings recorded (major and minor ones raise a nonconformity). */
export function AuditPage() {
  const { id = "" } = useParams();
  const intl = useIntl();
  const t = (key: string, values?: Record<string, string | number>) => intl.formatMessage({ id: key }, values);
  const acting = useCan("qms_manager");
  const audit = useAudit(id);
  const record = useRecordFinding(id);
  const [form] = Form.useForm<FindingIn>();

  if (audit.isPending) return <Loading />;
  if (!audit.data) return <ProblemAlert error={audit.error} />;
  const found = audit.data;
  return (
    <Space direction="vertical" style={{ width: "100%" }}>
      <Card title={<Typography.Title level={1} style={{ fontSize: 20, margin: 0 }}>{found.title}</Typography.Title>}>
        <Descriptions column={{ xs: 1, md: 3 }} size="small">
          <Descriptions.Item label={t("quality.audits.plannedOn")}>{found.planned_on}</Descriptions.Item>
          <Descriptions.Item label={t("quality.docs.process")}>{found.process ?? "—"}</Descriptions.Item>
          <Descriptions.Item label={t("quality.field.office")}>{found.office ?? "—"}</Descriptions.Item>
          <Descriptions.Item label={t("quality.audits.auditors")}>{found.auditors.join(listSeparator(intl.locale))}</Descriptions.Item>
          <Descriptions.Item label={t("quality.audits.plannedBy")}>{found.planned_by}</Descriptions.Item>
        </Descriptions>
      </Card>
      <Card title={<Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>{t("quality.audits.checklist")}</Typography.Title>}>
        <Table<Audit["checklist"][number]>
          rowKey="number"
          size="small"
          pagination={false}
          dataSource={found.checklist}
          columns={[
            { title: "#", dataIndex: "number", width: 48 },
            { title: t("quality.audits.questionHeader"), dataIndex: "question" },
            { title: t("quality.audits.reference"), dataIndex: "reference", render: (value: string | null) => value ?? "—" },
          ]}
        />
      </Card>
      <Card title={<Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>{t("quality.audits.findings")}</Typography.Title>}>
        <Table<Audit["findings"][number]>
          rowKey="number"
          size="small"
          pagination={false}
          dataSource={found.findings}
          locale={{ emptyText: t("shell.empty") }}
          columns={[
            { title: "#", dataIndex: "number", width: 48 },
            {
              title: t("quality.audits.severity"),
              dataIndex: "severity",
              render: (severity: string) => <Tag color={SEVERITY_COLOURS[severity]}>{t(`quality.severity.${severity}`)}</Tag>,
            },
            { title: t("quality.audits.item"), dataIndex: "checklist_item", render: (value: number | null) => value ?? "—" },
            { title: t("quality.nc.description"), dataIndex: "description" },
            { title: t("quality.audits.recordedBy"), dataIndex: "recorded_by" },
            {
              title: t("quality.nc.one.short"),
              dataIndex: "nonconformity_id",
              render: (ncId: string | null) => (ncId ? <Link to={`/quality/nonconformities/${ncId}`}>{t("quality.audits.openNc")}</Link> : "—"),
            },
          ]}
        />
        {acting && (
          <Form<FindingIn>
            form={form}
            name="finding"
            layout="vertical"
            style={{ marginTop: 16, maxWidth: 720 }}
            initialValues={{ severity: "minor" }}
            onFinish={async (values) => {
              try {
                await record.mutateAsync({ ...values, checklist_item: values.checklist_item ?? null });
                form.resetFields();
              } catch (error) {
                showFieldErrors(form, error);
              }
            }}
          >
            <Typography.Title level={3} style={{ fontSize: 14 }}>
              <FormattedMessage id="quality.audits.record" />
            </Typography.Title>
            <ProblemAlert error={record.error} />
            <Space wrap>
              <Form.Item label={t("quality.audits.severity")} name="severity" rules={[{ required: true }]}>
                <Select style={{ width: 200 }} options={SEVERITIES.map((value) => ({ value, label: t(`quality.severity.${value}`) }))} />
              </Form.Item>
              <Form.Item label={t("quality.audits.item")} name="checklist_item">
                <Select
                  allowClear
                  style={{ width: 320 }}
                  options={found.checklist.map((item) => ({ value: item.number, label: `${item.number}. ${item.question}` }))}
                />
              </Form.Item>
            </Space>
            <Form.Item label={t("quality.nc.description")} name="description" rules={[{ required: true, whitespace: true, max: 4000 }]}>
              <Input.TextArea rows={3} />
            </Form.Item>
            <Button type="primary" htmlType="submit" loading={record.isPending}>
              <FormattedMessage id="quality.audits.record" />
            </Button>
          </Form>
        )}
      </Card>
    </Space>
  );
}
