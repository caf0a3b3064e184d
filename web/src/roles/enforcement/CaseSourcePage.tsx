import { Button, Card, Descriptions, Form, Input, Select, Space, Table, Tag, Typography } from "antd";
import { useState } from "react";
import { useIntl } from "react-intl";
import { Link, useLocation, useNavigate, useParams } from "react-router-dom";

import { useMe } from "../../auth/me";
import { Loading } from "../../common/Loading";
import { ProblemAlert } from "../../common/ProblemAlert";
import { useCaseOfSource, useCaseSource, useSourceStep, type SourceStep } from "./api";
import { LegalClock } from "./LegalClock";
import { distinctHandlers, endsBeforeStart, handlersProblem, parseEvidence, USERNAME } from "./rules";
import { StepModal } from "./StepModal";
import { CardTitle, PageTitle } from "./Titles";

type Asking = SourceStep["step"] | null;

/** A case source: what was alleged, its verification clock, and the decision whether to file. */
export function CaseSourcePage() {
  const { id = "" } = useParams();
  const intl = useIntl();
  const t = (key: string, values?: Record<string, string | number>) => intl.formatMessage({ id: key }, values);
  const navigate = useNavigate();
  const back = (useLocation().state as { back?: string } | null)?.back;
  const me = useMe().data?.sub;
  const source = useCaseSource(id);
  const step = useSourceStep();
  const filedCase = useCaseOfSource(id, source.data?.status === "filed");
  const [asking, setAsking] = useState<Asking>(null);

  if (source.isPending) return <Loading />;
  if (!source.data) return <ProblemAlert error={source.error} />;
  const found = source.data;
  const undecided = found.status === "received";
  const take = (asked: SourceStep) => step.mutateAsync({ id, asked });
  const date = (at: string | null) => (at ? new Date(at).toLocaleString(intl.locale, { timeZone: "Asia/Shanghai" }) : "");
  const required = { required: true, whitespace: true, message: t("enforcement.rule.required") };

  return (
    <Space orientation="vertical" style={{ width: "100%" }}>
      <Link to={`/enforcement/case-sources${back ? `?${back}` : ""}`}>{t("enforcement.source.back")}</Link>
      <Card
        title={<PageTitle>{t("enforcement.source.title")}</PageTitle>}
        extra={<Tag color={undecided ? "blue" : "default"} data-testid="source-status">{t(`enforcement.sourceStatus.${found.status}`)}</Tag>}
      >
        <Descriptions column={{ xs: 1, md: 2 }} size="small" bordered>
          <Descriptions.Item label={t("enforcement.field.allegation")} span={2}>
            <Typography.Paragraph style={{ whiteSpace: "pre-wrap", margin: 0 }}>{found.allegation}</Typography.Paragraph>
          </Descriptions.Item>
          <Descriptions.Item label={t("enforcement.field.department")}>{t(`enforcement.department.${found.source_department}`)}</Descriptions.Item>
          <Descriptions.Item label={t("enforcement.field.sourceRef")}>{found.source_ref}</Descriptions.Item>
          <Descriptions.Item label={t("enforcement.field.creditCode")}>{found.credit_code}</Descriptions.Item>
          <Descriptions.Item label={t("enforcement.field.office")}>{found.office_id}</Descriptions.Item>
          <Descriptions.Item label={t("enforcement.field.section")}>{found.section}</Descriptions.Item>
          <Descriptions.Item label={t("enforcement.field.receivedAt")}>{date(found.received_at)}</Descriptions.Item>
          <Descriptions.Item label={t("enforcement.field.transferredBy")}>{found.transferred_by}</Descriptions.Item>
          <Descriptions.Item label={t("enforcement.field.evidence")}>
            {found.evidence.length ? found.evidence.map((ref) => <div key={ref}><Typography.Text code>{ref}</Typography.Text></div>) : t("enforcement.none")}
          </Descriptions.Item>
          {found.decided_by && (
            <Descriptions.Item label={t("enforcement.field.decided")}>
              {t("enforcement.source.decidedBy", { by: found.decided_by, at: date(found.decided_at) })}
            </Descriptions.Item>
          )}
          {found.decline_reasons && (
            <Descriptions.Item label={t("enforcement.field.declineReasons")} span={2}>
              {found.decline_reasons.join("；")}
            </Descriptions.Item>
          )}
        </Descriptions>
        <ProblemAlert error={step.error} />
        {undecided && (
          <Space style={{ marginTop: 16 }} wrap>
            <Button type="primary" onClick={() => setAsking("file")}>
              {t("enforcement.source.file")}
            </Button>
            <Button onClick={() => setAsking("testing")}>{t("enforcement.source.testing")}</Button>
            <Button onClick={() => setAsking("extension")} disabled={found.verify_extension !== null}>
              {t("enforcement.source.extension")}
            </Button>
            <Button danger onClick={() => setAsking("decline")}>
              {t("enforcement.source.decline")}
            </Button>
          </Space>
        )}
        <ProblemAlert error={filedCase.error} />
        {filedCase.data && (
          <div style={{ marginTop: 16 }}>
            <Link to={`/enforcement/cases/${filedCase.data.id}`}>{t("enforcement.source.openCase")}</Link>
          </div>
        )}
      </Card>

      <Card title={<CardTitle>{t("enforcement.source.clock")}</CardTitle>}>
        <LegalClock deadline={found.verify_deadline} running={undecided} testId="verify-clock" />
        {found.verify_extension && (
          <Typography.Paragraph style={{ marginTop: 12, marginBottom: 0 }}>
            {t("enforcement.source.extendedBy", {
              approver: found.verify_extension.approved_by,
              by: found.verify_extension.recorded_by,
              at: date(found.verify_extension.at),
              reason: found.verify_extension.reason,
            })}
          </Typography.Paragraph>
        )}
        {found.verify_testing.length > 0 && (
          <Table
            style={{ marginTop: 12 }}
            size="small"
            rowKey={(row) => `${row.start}-${row.end}-${row.reason}`}
            pagination={false}
            dataSource={found.verify_testing}
            columns={[
              { title: t("enforcement.field.start"), dataIndex: "start" },
              { title: t("enforcement.field.end"), dataIndex: "end" },
              { title: t("enforcement.field.reason"), dataIndex: "reason" },
              { title: t("enforcement.field.recordedBy"), dataIndex: "recorded_by" },
            ]}
          />
        )}
      </Card>

      <StepModal<{ handlers: string[] }>
        open={asking === "file"}
        title={t("enforcement.source.file")}
        okText={t("enforcement.source.file")}
        initialValues={{ handlers: me ? [me] : [] }}
        onClose={() => setAsking(null)}
        onSubmit={async ({ handlers }) => {
          const result = await take({ step: "file", body: { handlers: distinctHandlers(handlers) } });
          if ("case" in result) navigate(`/enforcement/cases/${result.case.case_id}`);
        }}
      >
        <Form.Item
          label={t("enforcement.field.handlers")}
          name="handlers"
          extra={t("enforcement.field.handlersHint")}
          rules={[
            {
              validator: async (_, value: string[] | undefined) => {
                const problem = handlersProblem(value ?? []);
                if (problem) throw new Error(t(`enforcement.rule.handlers.${problem}`));
              },
            },
          ]}
        >
          <Select mode="tags" tokenSeparators={[",", " ", "，"]} open={false} suffixIcon={null} />
        </Form.Item>
      </StepModal>

      <StepModal<{ reasons: string }>
        open={asking === "decline"}
        title={t("enforcement.source.decline")}
        okText={t("enforcement.source.decline")}
        danger
        onClose={() => setAsking(null)}
        onSubmit={({ reasons }) =>
          take({ step: "decline", body: { reasons: reasons.split("\n").map((line) => line.trim()).filter(Boolean) } })
        }
      >
        <Form.Item label={t("enforcement.field.declineReasons")} name="reasons" rules={[required]} extra={t("enforcement.field.onePerLine")}>
          <Input.TextArea rows={3} />
        </Form.Item>
      </StepModal>

      <StepModal<{ approved_by: string; reason: string }>
        open={asking === "extension"}
        title={t("enforcement.source.extension")}
        onClose={() => setAsking(null)}
        onSubmit={(body) => take({ step: "extension", body })}
      >
        <Typography.Paragraph type="secondary">{t("enforcement.source.extensionHint")}</Typography.Paragraph>
        <Form.Item
          label={t("enforcement.field.approvedBy")}
          name="approved_by"
          rules={[required, { pattern: USERNAME, message: t("enforcement.rule.username") }]}
        >
          <Input autoComplete="off" />
        </Form.Item>
        <Form.Item label={t("enforcement.field.reason")} name="reason" rules={[required]}>
          <Input.TextArea rows={2} />
        </Form.Item>
      </StepModal>

      <StepModal<{ start: string; end: string; reason: string }>
        open={asking === "testing"}
        title={t("enforcement.source.testing")}
        onClose={() => setAsking(null)}
        onSubmit={(body) => take({ step: "testing", body })}
      >
        <Typography.Paragraph type="secondary">{t("enforcement.source.testingHint")}</Typography.Paragraph>
        <SpanFields />
        <Form.Item label={t("enforcement.field.reason")} name="reason" rules={[required]}>
          <Input.TextArea rows={2} />
        </Form.Item>
      </StepModal>
    </Space>
  );
}

/** A start and an end day, both included; the end may not come before the start. */
export function SpanFields() {
  const intl = useIntl();
  const t = (key: string) => intl.formatMessage({ id: key });
  return (
    <Space wrap>
      <Form.Item label={t("enforcement.field.start")} name="start" rules={[{ required: true, message: t("enforcement.rule.required") }]}>
        <Input type="date" />
      </Form.Item>
      <Form.Item
        label={t("enforcement.field.end")}
        name="end"
        dependencies={["start"]}
        rules={[
          { required: true, message: t("enforcement.rule.required") },
          ({ getFieldValue }) => ({
            validator: async (_, end: string | undefined) => {
              if (endsBeforeStart(getFieldValue("start") as string | undefined, end)) throw new Error(t("enforcement.rule.endBeforeStart"));
            },
          }),
        ]}
      >
        <Input type="date" />
      </Form.Item>
    </Space>
  );
}

/** Evidence references (sha256:…), one a line; the bad ones are named before anything is sent. */
export function EvidenceField() {
  const intl = useIntl();
  const t = (key: string, values?: Record<string, string>) => intl.formatMessage({ id: key }, values);
  return (
    <Form.Item
      label={t("enforcement.field.evidence")}
      name="evidence"
      extra={t("enforcement.field.evidenceHint")}
      rules={[
        {
          validator: async (_, text: string | undefined) => {
            const { bad } = parseEvidence(text);
            if (bad.length) throw new Error(t("enforcement.rule.evidence", { refs: bad.join(", ") }));
          },
        },
      ]}
    >
      <Input.TextArea rows={2} />
    </Form.Item>
  );
}
