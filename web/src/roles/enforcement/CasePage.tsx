import { Alert, Button, Card, Descriptions, Form, Input, InputNumber, Radio, Space, Table, Tag, Timeline, Typography } from "antd";
import { useState } from "react";
import { useIntl } from "react-intl";
import { Link, useParams } from "react-router-dom";

import { DeadlineTag } from "../../common/DeadlineTag";
import { bureauToday } from "../../common/deadline";
import { Loading } from "../../common/Loading";
import { ProblemAlert } from "../../common/ProblemAlert";
import { useCase, useCaseStep, usePublicity, type CaseStep, type InvestigationRecord } from "./api";
import { EvidenceField, SpanFields } from "./CaseSourcePage";
import { LegalClock } from "./LegalClock";
import { CaseDeadlinesCard, PenaltyNoticeCard } from "./PenaltyNoticeCard";
import {
  availableActions,
  bureauInstant,
  bureauNowLocal,
  carriesAmount,
  CASE_STATUS_COLOURS,
  CHANGES,
  clockChanges,
  decisionWait,
  extensionNeedsCollectiveDays,
  faultFindings,
  nextStep,
  NOTICE_METHODS,
  onPublicity,
  parseEvidence,
  PARTY_KINDS,
  PENALTY_KINDS,
  penaltyBody,
  penaltyProblem,
  RECORD_KINDS,
  SATISFACTIONS,
  SERVICE_METHODS,
  STOP_KINDS,
  unansweredStatements,
  USERNAME,
  type CaseAction,
  type PenaltyKind,
} from "./rules";
import { StepModal } from "./StepModal";
import { CardTitle, PageTitle } from "./Titles";

/** A case: its legal clocks, the step it waits for, and every step taken, each through its form. */
export function CasePage() {
  const { id = "" } = useParams();
  const intl = useIntl();
  const t = (key: string, values?: Record<string, string | number>) => intl.formatMessage({ id: key }, values);
  const found = useCase(id);
  const step = useCaseStep(id);
  const publicity = usePublicity();
  const [asking, setAsking] = useState<CaseAction | null>(null);

  if (found.isPending) return <Loading />;
  if (!found.data) return <ProblemAlert error={found.error} />;
  const record = found.data;
  const actions = availableActions(record);
  const next = nextStep(record);
  const running = record.status === "filed" || record.status === "investigating";
  const published = (publicity.data ?? []).find((entry) => entry.case_id === record.id);
  const date = (at: string | null | undefined) => (at ? new Date(at).toLocaleString(intl.locale, { timeZone: "Asia/Shanghai" }) : "");
  const money = (amount: string | number | null | undefined) =>
    amount === null || amount === undefined ? "" : intl.formatNumber(Number(amount), { style: "currency", currency: "CNY" });
  const required = { required: true, whitespace: true, message: t("enforcement.rule.required") };
  const close = () => setAsking(null);
  const wait = decisionWait(record.penalty_notice);
  const unanswered = unansweredStatements(record.penalty_notice);
  const given = { required: true, message: t("enforcement.rule.required") };
  const serviceMethods = SERVICE_METHODS.map((value) => ({ value, label: t(`enforcement.method.${value}`) }));
  const stepText = (entry: CaseStep) => (intl.messages[`enforcement.step.${entry.step}`] ? t(`enforcement.step.${entry.step}`) : entry.step);

  return (
    <Space orientation="vertical" style={{ width: "100%" }}>
      <Card
        title={<PageTitle>{t("enforcement.case.title", { number: record.id.slice(0, 8) })}</PageTitle>}
        extra={
          <Tag color={CASE_STATUS_COLOURS[record.status]} data-testid="case-status">
            {t(`enforcement.caseStatus.${record.status}`)}
          </Tag>
        }
      >
        <Alert
          type={next === "none" ? "success" : "info"}
          showIcon
          data-testid="next-step"
          title={t(`enforcement.next.${next}`)}
          style={{ marginBottom: 12 }}
        />
        <ProblemAlert error={step.error} />
        <Space wrap style={{ marginBottom: 16 }}>
          {actions.map((action) => (
            <Button
              key={action}
              type={action === next ? "primary" : "default"}
              danger={action === "withdrawal"}
              onClick={() => {
                step.reset();
                setAsking(action);
              }}
            >
              {t(`enforcement.action.${action}`)}
            </Button>
          ))}
        </Space>
        <Descriptions column={{ xs: 1, md: 2 }} size="small" bordered>
          <Descriptions.Item label={t("enforcement.field.case")}>
            <Typography.Text copyable>{record.id}</Typography.Text>
          </Descriptions.Item>
          <Descriptions.Item label={t("enforcement.field.caseSource")}>
            <Link to={`/enforcement/case-sources/${record.case_source_id}`}>{record.case_source_id.slice(0, 8)}</Link>
          </Descriptions.Item>
          <Descriptions.Item label={t("enforcement.field.creditCode")}>{record.credit_code}</Descriptions.Item>
          <Descriptions.Item label={t("enforcement.field.section")}>{record.section}</Descriptions.Item>
          <Descriptions.Item label={t("enforcement.field.handlers")}>
            <span data-testid="handlers">{record.handlers.join("、")}</span>
          </Descriptions.Item>
          <Descriptions.Item label={t("enforcement.field.filed")}>
            {t("enforcement.source.decidedBy", { by: record.filed_by, at: date(record.filed_at) })}
          </Descriptions.Item>
          {record.closed_at && <Descriptions.Item label={t("enforcement.field.closedAt")}>{date(record.closed_at)}</Descriptions.Item>}
        </Descriptions>
      </Card>

      <Card title={<CardTitle>{t("enforcement.case.clocks")}</CardTitle>}>
        <Descriptions column={1} size="small">
          <Descriptions.Item label={t("enforcement.field.decisionDue")}>
            <Space orientation="vertical" size={2}>
              <LegalClock deadline={record.decision_deadline} running={running} testId="decision-clock" />
              {record.decided_at && (
                <Typography.Text>
                  {t(record.decided_on_time ? "enforcement.case.decidedOnTime" : "enforcement.case.decidedLate", {
                    at: date(record.decided_at),
                  })}
                </Typography.Text>
              )}
            </Space>
          </Descriptions.Item>
          {record.payment_due && (
            <Descriptions.Item label={t("enforcement.field.paymentDue")}>
              <Space wrap size={4} data-testid="payment">
                <Typography.Text>{record.payment_due}</Typography.Text>
                {record.paid_on ? (
                  <Tag color="blue">{t("enforcement.case.paidOn", { date: record.paid_on })}</Tag>
                ) : (
                  <DeadlineTag due={record.payment_due} />
                )}
                <Typography.Text type="secondary">
                  {t("enforcement.case.surcharge", { amount: money(record.late_payment_surcharge ?? 0) })}
                </Typography.Text>
              </Space>
            </Descriptions.Item>
          )}
          {record.decision && record.decision.penalty.kind !== "warning" && (
            <Descriptions.Item label={t("enforcement.field.publicity")}>
              <div data-testid="publicity">
              {published ? (
                <Space orientation="vertical" size={2}>
                  <Typography.Text>{t("enforcement.case.publishedAt", { at: date(published.published_at) })}</Typography.Text>
                  <LegalClock deadline={published.publish_deadline} running={false} />
                </Space>
              ) : (
                <Typography.Text>{t(onPublicity(record) ? "enforcement.case.onPublicity" : "enforcement.case.withdrawn")}</Typography.Text>
              )}
              </div>
            </Descriptions.Item>
          )}
        </Descriptions>
      </Card>

      <CaseDeadlinesCard record={record} />

      <Card title={<CardTitle>{t("enforcement.case.notice")}</CardTitle>}>
        {record.notice ? (
          <Descriptions column={{ xs: 1, md: 3 }} size="small" data-testid="notice">
            <Descriptions.Item label={t("enforcement.field.deliveredTo")}>{record.notice.delivered_to}</Descriptions.Item>
            <Descriptions.Item label={t("enforcement.field.deliveredAt")}>{date(record.notice.delivered_at)}</Descriptions.Item>
            <Descriptions.Item label={t("enforcement.field.method")}>{t(`enforcement.method.${record.notice.method}`)}</Descriptions.Item>
          </Descriptions>
        ) : (
          <Typography.Text type="secondary">{t("enforcement.case.noNotice")}</Typography.Text>
        )}
      </Card>

      <Card title={<CardTitle>{t("enforcement.case.records")}</CardTitle>}>
        <Table<InvestigationRecord>
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={record.investigation_records}
          locale={{ emptyText: t("shell.empty") }}
          data-testid="records"
          columns={[
            { title: t("enforcement.field.recordKind"), dataIndex: "kind", width: 120, render: (kind: string) => t(`enforcement.recordKind.${kind}`) },
            { title: t("enforcement.field.summary"), dataIndex: "summary", render: (text: string) => <span style={{ whiteSpace: "pre-wrap" }}>{text}</span> },
            { title: t("enforcement.field.evidence"), dataIndex: "evidence", width: 90, render: (refs: string[]) => refs.length || "" },
            { title: t("enforcement.field.recordedBy"), dataIndex: "recorded_by", width: 110 },
            { title: t("enforcement.field.recordedAt"), dataIndex: "recorded_at", width: 180, render: (at: string) => date(at) },
          ]}
        />
      </Card>

      <Card title={<CardTitle>{t("enforcement.case.clockChanges")}</CardTitle>}>
        <Table<CaseStep>
          rowKey={(entry) => `${entry.step}-${entry.at}`}
          size="small"
          pagination={false}
          dataSource={clockChanges(record)}
          locale={{ emptyText: t("shell.empty") }}
          data-testid="clock-changes"
          columns={[
            {
              title: t("enforcement.field.change"),
              render: (_, entry) =>
                entry.step === "clock_stopped"
                  ? t(`enforcement.stopKind.${String(entry.detail.kind)}`)
                  : t("enforcement.case.extensionNumber", { number: Number(entry.detail.number) }),
            },
            {
              title: t("enforcement.field.span"),
              render: (_, entry) =>
                entry.step === "clock_stopped"
                  ? `${String(entry.detail.start)} – ${String(entry.detail.end)}`
                  : entry.detail.collective_days
                    ? t("enforcement.case.collectiveDays", { days: Number(entry.detail.collective_days) })
                    : t("enforcement.case.approvedBy", { by: String(entry.detail.approved_by) }),
            },
            { title: t("enforcement.field.reason"), render: (_, entry) => String(entry.detail.reason ?? "") },
            { title: t("enforcement.field.newDue"), render: (_, entry) => String(entry.detail.decision_due ?? "") },
            { title: t("enforcement.field.recordedBy"), dataIndex: "actor" },
            { title: t("enforcement.field.recordedAt"), dataIndex: "at", render: (at: string) => date(at) },
          ]}
        />
      </Card>

      <PenaltyNoticeCard record={record} />

      <Card title={<CardTitle>{t("enforcement.case.decision")}</CardTitle>}>
        {record.decision ? (
          <Descriptions column={{ xs: 1, md: 2 }} size="small" data-testid="decision">
            <Descriptions.Item label={t("enforcement.field.penalty")}>{t(`enforcement.penalty.${record.decision.penalty.kind}`)}</Descriptions.Item>
            <Descriptions.Item label={t("enforcement.field.amount")}>{money(record.decision.penalty.amount)}</Descriptions.Item>
            <Descriptions.Item label={t("enforcement.field.legalBasis")}>{record.decision.legal_basis}</Descriptions.Item>
            <Descriptions.Item label={t("enforcement.field.decidedBy")}>{record.decision.decided_by}</Descriptions.Item>
            <Descriptions.Item label={t("enforcement.field.servedOn")}>
              <span data-testid="decision-service">
                {record.served_on
                  ? t("enforcement.case.served", { date: record.served_on, how: t(`enforcement.method.${record.served_how ?? ""}`) })
                  : t("enforcement.case.notServed")}
              </span>
            </Descriptions.Item>
            {record.service_due && (
              <Descriptions.Item label={t("enforcement.field.serviceDue")}>
                <Space wrap size={4}>
                  {record.service_due}
                  {!record.served_on && <DeadlineTag due={record.service_due} />}
                </Space>
              </Descriptions.Item>
            )}
            {record.return_visit_due && (
              <Descriptions.Item label={t("enforcement.field.returnVisitDue")}>
                <Space wrap size={4}>
                  {record.return_visit_due}
                  {!record.closed_at && <DeadlineTag due={record.return_visit_due} />}
                </Space>
              </Descriptions.Item>
            )}
            {record.payment_due && (
              <Descriptions.Item label={t("enforcement.field.paidOn")}>{record.paid_on ?? t("enforcement.case.unpaid")}</Descriptions.Item>
            )}
          </Descriptions>
        ) : (
          <Typography.Text type="secondary">{t("enforcement.case.noDecision")}</Typography.Text>
        )}
      </Card>

      <Card title={<CardTitle>{t("enforcement.case.returnVisit")}</CardTitle>}>
        {record.return_visit ? (
          <Descriptions column={{ xs: 1, md: 3 }} size="small" data-testid="return-visit">
            <Descriptions.Item label={t("enforcement.field.partyView")}>{record.return_visit.party_view}</Descriptions.Item>
            <Descriptions.Item label={t("enforcement.field.satisfaction")}>
              {t(`enforcement.satisfaction.${record.return_visit.satisfaction}`)}
            </Descriptions.Item>
            <Descriptions.Item label={t("enforcement.field.visitedBy")}>{record.return_visit.visited_by}</Descriptions.Item>
          </Descriptions>
        ) : (
          <Typography.Text type="secondary">{t("enforcement.case.noReturnVisit")}</Typography.Text>
        )}
      </Card>

      {faultFindings(record).length > 0 && (
        <Card title={<CardTitle>{t("enforcement.case.faults")}</CardTitle>}>
          <Table<CaseStep>
            rowKey={(entry) => entry.at}
            size="small"
            pagination={false}
            dataSource={faultFindings(record)}
            columns={[
              { title: t("enforcement.field.faultStep"), render: (_, entry) => t(`enforcement.step.${String(entry.detail.step)}`) },
              { title: t("enforcement.field.finding"), render: (_, entry) => String(entry.detail.finding ?? "") },
              {
                title: t("enforcement.field.responsible"),
                render: (_, entry) => (Array.isArray(entry.detail.responsible) ? entry.detail.responsible.join("、") : ""),
              },
              { title: t("enforcement.field.recordedBy"), dataIndex: "actor" },
              { title: t("enforcement.field.recordedAt"), dataIndex: "at", render: (at: string) => date(at) },
            ]}
          />
        </Card>
      )}

      <Card title={<CardTitle>{t("enforcement.case.history")}</CardTitle>}>
        <Timeline items={record.history.map((entry) => ({ content: `${date(entry.at)} · ${stepText(entry)} · ${entry.actor}` }))} />
      </Card>

      <StepModal<{ delivered_to: string; delivered_at: string; method: (typeof NOTICE_METHODS)[number] }>
        open={asking === "notice"}
        title={t("enforcement.action.notice")}
        initialValues={{ delivered_at: bureauNowLocal(), method: "in_person" }}
        onClose={close}
        onSubmit={(values) => step.mutateAsync({ step: "notice", body: { ...values, delivered_at: bureauInstant(values.delivered_at) } })}
      >
        <Form.Item label={t("enforcement.field.deliveredTo")} name="delivered_to" rules={[required]}>
          <Input />
        </Form.Item>
        <Form.Item label={t("enforcement.field.deliveredAt")} name="delivered_at" rules={[required]} extra={t("enforcement.field.bureauTime")}>
          <Input type="datetime-local" />
        </Form.Item>
        <Form.Item label={t("enforcement.field.method")} name="method">
          <Radio.Group options={NOTICE_METHODS.map((value) => ({ value, label: t(`enforcement.method.${value}`) }))} />
        </Form.Item>
      </StepModal>

      <StepModal<{ kind: (typeof RECORD_KINDS)[number]; summary: string; evidence?: string }>
        open={asking === "record"}
        title={t("enforcement.action.record")}
        initialValues={{ kind: "inquiry" }}
        onClose={close}
        onSubmit={({ evidence, ...values }) => step.mutateAsync({ step: "record", body: { ...values, evidence: parseEvidence(evidence).refs } })}
      >
        <Form.Item label={t("enforcement.field.recordKind")} name="kind">
          <Radio.Group options={RECORD_KINDS.map((value) => ({ value, label: t(`enforcement.recordKind.${value}`) }))} />
        </Form.Item>
        <Form.Item label={t("enforcement.field.summary")} name="summary" rules={[required]}>
          <Input.TextArea rows={5} />
        </Form.Item>
        <EvidenceField />
      </StepModal>

      <StepModal<{ kind: (typeof STOP_KINDS)[number]; start: string; end: string; reason: string }>
        open={asking === "stop"}
        title={t("enforcement.action.stop")}
        initialValues={{ kind: "suspension" }}
        onClose={close}
        onSubmit={(body) => step.mutateAsync({ step: "stop", body })}
      >
        <Typography.Paragraph type="secondary">{t("enforcement.case.stopHint")}</Typography.Paragraph>
        <Form.Item label={t("enforcement.field.stopKind")} name="kind">
          <Radio.Group options={STOP_KINDS.map((value) => ({ value, label: t(`enforcement.stopKind.${value}`) }))} />
        </Form.Item>
        <SpanFields />
        <Form.Item label={t("enforcement.field.reason")} name="reason" rules={[required]}>
          <Input.TextArea rows={2} />
        </Form.Item>
      </StepModal>

      <StepModal<{ approved_by: string; reason: string; collective_days?: number }>
        open={asking === "extension"}
        title={t("enforcement.action.extension")}
        onClose={close}
        onSubmit={(values) =>
          step.mutateAsync({ step: "extension", body: { ...values, collective_days: values.collective_days ?? null } })
        }
      >
        <Typography.Paragraph type="secondary">
          {t(extensionNeedsCollectiveDays(record) ? "enforcement.case.extensionCollective" : "enforcement.case.extensionFirst")}
        </Typography.Paragraph>
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
        {extensionNeedsCollectiveDays(record) && (
          <Form.Item
            label={t("enforcement.field.collectiveDays")}
            name="collective_days"
            rules={[{ required: true, message: t("enforcement.rule.required") }]}
          >
            <InputNumber min={1} max={365} precision={0} />
          </Form.Item>
        )}
      </StepModal>

      <StepModal<{ facts: string; penalty: { kind: PenaltyKind; amount?: string }; legal_basis: string; party_kind: (typeof PARTY_KINDS)[number]; served_on: string; served_how: (typeof SERVICE_METHODS)[number] }>
        open={asking === "penaltyNotice"}
        title={t("enforcement.action.penaltyNotice")}
        initialValues={{ party_kind: "organisation", served_on: bureauToday(), served_how: "in_person" }}
        onClose={close}
        onSubmit={({ penalty, ...values }) =>
          step.mutateAsync({ step: "penaltyNotice", body: { ...values, penalty: penaltyBody(penalty.kind, penalty.amount) } })
        }
      >
        <Form.Item label={t("enforcement.field.facts")} name="facts" rules={[required]}>
          <Input.TextArea rows={4} />
        </Form.Item>
        <DecisionFields />
        <Form.Item label={t("enforcement.field.partyKind")} name="party_kind">
          <Radio.Group options={PARTY_KINDS.map((value) => ({ value, label: t(`enforcement.party.${value}`) }))} />
        </Form.Item>
        <Form.Item label={t("enforcement.field.servedOn")} name="served_on" rules={[given]}>
          <Input type="date" max={bureauToday()} />
        </Form.Item>
        <Form.Item label={t("enforcement.field.servedHow")} name="served_how">
          <Radio.Group options={serviceMethods} />
        </Form.Item>
      </StepModal>

      <StepModal<{ received_on: string; content: string }>
        open={asking === "statement"}
        title={t("enforcement.action.statement")}
        initialValues={{ received_on: bureauToday() }}
        onClose={close}
        onSubmit={(body) => step.mutateAsync({ step: "statement", body })}
      >
        <Form.Item label={t("enforcement.field.receivedOn")} name="received_on" rules={[given]}>
          <Input type="date" max={bureauToday()} />
        </Form.Item>
        <Form.Item label={t("enforcement.field.content")} name="content" rules={[required]}>
          <Input.TextArea rows={4} />
        </Form.Item>
      </StepModal>

      <StepModal<{ number: number; accepted: boolean; reasons: string }>
        open={asking === "answer"}
        title={t("enforcement.action.answer")}
        initialValues={{ number: unanswered[0]?.number }}
        onClose={close}
        onSubmit={({ number, ...body }) => step.mutateAsync({ step: "answer", number, body })}
      >
        <Form.Item label={t("enforcement.field.statement")} name="number" rules={[given]}>
          <Radio.Group
            options={unanswered.map((statement) => ({
              value: statement.number,
              label: `${t("enforcement.case.statementNumber", { number: statement.number })} · ${statement.received_on}`,
            }))}
          />
        </Form.Item>
        <Form.Item label={t("enforcement.field.accepted")} name="accepted" rules={[given]}>
          <Radio.Group
            options={[
              { value: true, label: t("enforcement.case.accepted") },
              { value: false, label: t("enforcement.case.rejected") },
            ]}
          />
        </Form.Item>
        <Form.Item label={t("enforcement.field.answerReasons")} name="reasons" rules={[required]}>
          <Input.TextArea rows={3} />
        </Form.Item>
      </StepModal>

      <StepModal<{ received_on: string }>
        open={asking === "waiver"}
        title={t("enforcement.action.waiver")}
        initialValues={{ received_on: bureauToday() }}
        onClose={close}
        onSubmit={(body) => step.mutateAsync({ step: "waiver", body })}
      >
        <Form.Item label={t("enforcement.field.receivedOn")} name="received_on" rules={[given]}>
          <Input type="date" max={bureauToday()} />
        </Form.Item>
      </StepModal>

      <StepModal<{ requested_on: string }>
        open={asking === "hearingRequest"}
        title={t("enforcement.action.hearingRequest")}
        initialValues={{ requested_on: bureauToday() }}
        onClose={close}
        onSubmit={(body) => step.mutateAsync({ step: "hearingRequest", body })}
      >
        <Form.Item label={t("enforcement.field.requestedOn")} name="requested_on" rules={[given]}>
          <Input type="date" max={bureauToday()} />
        </Form.Item>
      </StepModal>

      <StepModal<{ start: string; end: string; conclusion: string }>
        open={asking === "hearing"}
        title={t("enforcement.action.hearing")}
        onClose={close}
        onSubmit={(body) => step.mutateAsync({ step: "hearing", body })}
      >
        <SpanFields />
        <Form.Item label={t("enforcement.field.conclusion")} name="conclusion" rules={[required]}>
          <Input.TextArea rows={3} />
        </Form.Item>
      </StepModal>

      <StepModal<{ penalty: { kind: PenaltyKind; amount?: string }; legal_basis: string }>
        open={asking === "decision"}
        title={t("enforcement.action.decision")}
        initialValues={
          record.penalty_notice
            ? {
                penalty: { kind: record.penalty_notice.penalty.kind, amount: record.penalty_notice.penalty.amount ?? undefined },
                legal_basis: record.penalty_notice.legal_basis,
              }
            : undefined
        }
        onClose={close}
        onSubmit={({ penalty, legal_basis }) =>
          step.mutateAsync({ step: "decision", body: { penalty: penaltyBody(penalty.kind, penalty.amount), legal_basis } })
        }
      >
        {wait && (
          <Alert
            type="warning"
            showIcon
            style={{ marginBottom: 12 }}
            data-testid="decision-wait"
            title={t(`enforcement.wait.${wait}`, { due: record.penalty_notice?.statement_deadline.due ?? "" })}
          />
        )}
        <DecisionFields />
      </StepModal>

      <StepModal<{ served_on: string; served_how: (typeof SERVICE_METHODS)[number] }>
        open={asking === "service"}
        title={t("enforcement.action.service")}
        initialValues={{ served_on: bureauToday(), served_how: "in_person" }}
        onClose={close}
        onSubmit={(body) => step.mutateAsync({ step: "service", body })}
      >
        <Form.Item label={t("enforcement.field.servedOn")} name="served_on" rules={[given]}>
          <Input type="date" max={bureauToday()} />
        </Form.Item>
        <Form.Item label={t("enforcement.field.servedHow")} name="served_how">
          <Radio.Group options={serviceMethods} />
        </Form.Item>
      </StepModal>

      <StepModal<{ paid_on: string }>
        open={asking === "payment"}
        title={t("enforcement.action.payment")}
        initialValues={{ paid_on: bureauToday() }}
        onClose={close}
        onSubmit={(body) => step.mutateAsync({ step: "payment", body })}
      >
        <Form.Item label={t("enforcement.field.paidOn")} name="paid_on" rules={[required]}>
          <Input type="date" />
        </Form.Item>
      </StepModal>

      <StepModal<{ change: (typeof CHANGES)[number]; changed_on: string; reason: string }>
        open={asking === "withdrawal"}
        title={t("enforcement.action.withdrawal")}
        danger
        initialValues={{ changed_on: bureauToday() }}
        onClose={close}
        onSubmit={(body) => step.mutateAsync({ step: "withdrawal", body })}
      >
        <Form.Item label={t("enforcement.field.change")} name="change" rules={[{ required: true, message: t("enforcement.rule.required") }]}>
          <Radio.Group options={CHANGES.map((value) => ({ value, label: t(`enforcement.change.${value}`) }))} />
        </Form.Item>
        <Form.Item label={t("enforcement.field.changedOn")} name="changed_on" rules={[given]}>
          <Input type="date" max={bureauToday()} />
        </Form.Item>
        <Form.Item label={t("enforcement.field.reason")} name="reason" rules={[required]}>
          <Input.TextArea rows={2} />
        </Form.Item>
      </StepModal>

      <StepModal<{ party_view: string; satisfaction: (typeof SATISFACTIONS)[number] }>
        open={asking === "returnVisit"}
        title={t("enforcement.action.returnVisit")}
        onClose={close}
        onSubmit={(body) => step.mutateAsync({ step: "returnVisit", body })}
      >
        <Form.Item label={t("enforcement.field.partyView")} name="party_view" rules={[required]}>
          <Input.TextArea rows={3} />
        </Form.Item>
        <Form.Item
          label={t("enforcement.field.satisfaction")}
          name="satisfaction"
          rules={[{ required: true, message: t("enforcement.rule.required") }]}
        >
          <Radio.Group options={SATISFACTIONS.map((value) => ({ value, label: t(`enforcement.satisfaction.${value}`) }))} />
        </Form.Item>
      </StepModal>
    </Space>
  );
}

/** The penalty and its amount (a fine's, or the value confiscated), and the legal basis. */
function DecisionFields() {
  const intl = useIntl();
  const t = (key: string) => intl.formatMessage({ id: key });
  const kind = Form.useWatch(["penalty", "kind"]) as PenaltyKind | undefined;
  return (
    <>
      <Form.Item
        label={t("enforcement.field.penalty")}
        name={["penalty", "kind"]}
        rules={[{ required: true, message: t("enforcement.rule.required") }]}
      >
        <Radio.Group options={PENALTY_KINDS.map((value) => ({ value, label: t(`enforcement.penalty.${value}`) }))} />
      </Form.Item>
      {kind && carriesAmount(kind) && (
        <Form.Item
          label={t("enforcement.field.amount")}
          name={["penalty", "amount"]}
          rules={[
            {
              validator: async (_, amount: string | undefined) => {
                const problem = penaltyProblem(kind, amount);
                if (problem) throw new Error(t(`enforcement.rule.${problem}`));
              },
            },
          ]}
        >
          <Input inputMode="decimal" style={{ width: 200 }} suffix={t("enforcement.yuan")} />
        </Form.Item>
      )}
      <Form.Item
        label={t("enforcement.field.legalBasis")}
        name="legal_basis"
        rules={[{ required: true, whitespace: true, message: t("enforcement.rule.required") }]}
      >
        <Input.TextArea rows={2} />
      </Form.Item>
    </>
  );
}
