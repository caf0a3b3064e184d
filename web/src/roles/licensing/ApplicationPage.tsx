import { Button, Card, Descriptions, Input, Modal, Space, Table, Tag, Timeline, Typography } from "antd";
import { useState } from "react";
import { FormattedMessage, useIntl } from "react-intl";
import { Link, useParams } from "react-router-dom";

import { DeadlineTag } from "../../common/DeadlineTag";
import { Loading } from "../../common/Loading";
import { ProblemAlert } from "../../common/ProblemAlert";
import { useApplication, useStep, type Step } from "./api";

const STEPS_BY_STATUS: Record<string, Step[]> = {
  submitted: ["accept", "return", "reject"],
  accepted: ["approve", "return", "reject"],
};

/** One application: its record, the next steps, the partners' status, and the history. */
export function ApplicationPage() {
  const { id = "" } = useParams();
  const intl = useIntl();
  const t = (key: string) => intl.formatMessage({ id: key });
  const application = useApplication(id);
  const step = useStep(id);
  const [asking, setAsking] = useState<Step | null>(null);
  const [reasons, setReasons] = useState("");

  if (application.isPending) return <Loading />;
  if (!application.data) return <ProblemAlert error={application.error} />;
  const record = application.data;
  const steps = STEPS_BY_STATUS[record.status] ?? [];

  const take = (chosen: Step) => {
    if (chosen === "return" || chosen === "reject") {
      setReasons("");
      setAsking(chosen);
    } else {
      step.mutate({ step: chosen });
    }
  };

  return (
    <Space direction="vertical" style={{ width: "100%" }}>
      <Card
        title={<Typography.Title level={1} style={{ fontSize: 20, margin: 0 }}>{record.name}</Typography.Title>}
        extra={<Tag color="blue" data-testid="application-status">{t(`licensing.status.${record.status}`)}</Tag>}
      >
        <ProblemAlert error={step.error} />
        <Descriptions column={{ xs: 1, md: 2 }} size="small">
          <Descriptions.Item label={t("licensing.field.operator")}>{record.operator_name}</Descriptions.Item>
          <Descriptions.Item label={t("licensing.field.entityType")}>{t(`licensing.entity.${record.entity_type}`)}</Descriptions.Item>
          <Descriptions.Item label={t("licensing.field.address")}>{record.address.text}</Descriptions.Item>
          <Descriptions.Item label={t("licensing.field.deadline")}>
            <DeadlineTag due={record.deadline} />
          </Descriptions.Item>
          <Descriptions.Item label={t("licensing.field.missing")}>
            {record.missing_materials.length ? record.missing_materials.join("、") : t("licensing.new.complete")}
          </Descriptions.Item>
          {record.credit_code && (
            <Descriptions.Item label={t("licensing.field.creditCode")}>
              <Link to={`/licensing/licences/${record.credit_code}`}>{record.credit_code}</Link>
            </Descriptions.Item>
          )}
        </Descriptions>
        <Space style={{ marginTop: 16 }} wrap>
          {steps.map((chosen) => (
            <Button
              key={chosen}
              type={chosen === "accept" || chosen === "approve" ? "primary" : "default"}
              danger={chosen === "reject"}
              loading={step.isPending && step.variables?.step === chosen}
              onClick={() => take(chosen)}
            >
              {t(`licensing.step.${chosen}`)}
            </Button>
          ))}
        </Space>
      </Card>
      {(record.partner_requests ?? []).length > 0 && (
        <Card title={t("licensing.partners.title")}>
          <Table
            rowKey="id"
            pagination={false}
            dataSource={record.partner_requests}
            columns={[
              { title: t("licensing.partners.agency"), dataIndex: "agency", render: (a: string) => t(`licensing.agency.${a}`) },
              {
                title: t("licensing.partners.status"),
                dataIndex: "status",
                render: (s: string) => <Tag data-testid={`partner-status`}>{t(`licensing.partnerStatus.${s}`)}</Tag>,
              },
              { title: t("licensing.field.deadline"), dataIndex: "deadline", render: (due: string) => <DeadlineTag due={due} /> },
              { title: t("licensing.partners.permit"), dataIndex: "permit_number" },
              { title: t("licensing.partners.reason"), dataIndex: "reason" },
            ]}
          />
        </Card>
      )}
      <Card title={t("licensing.history")}>
        <Timeline
          items={(record.steps ?? []).map((entry) => ({
            content: `${new Date(entry.at).toLocaleString(intl.locale)} · ${t(`licensing.status.${entry.to_status}`)} · ${entry.actor}`,
          }))}
        />
      </Card>
      <Modal
        open={asking !== null}
        title={asking ? t(`licensing.step.${asking}`) : ""}
        okText={t("shell.submit")}
        cancelText={t("shell.cancel")}
        okButtonProps={{ disabled: !reasons.trim() }}
        onCancel={() => setAsking(null)}
        onOk={async () => {
          if (asking) await step.mutateAsync({ step: asking, reasons: [reasons.trim()] }).catch(() => undefined);
          setAsking(null);
        }}
      >
        <label htmlFor="step-reasons">
          <FormattedMessage id="licensing.reasons" />
        </label>
        <Input.TextArea id="step-reasons" rows={3} value={reasons} onChange={(event) => setReasons(event.target.value)} />
      </Modal>
    </Space>
  );
}
