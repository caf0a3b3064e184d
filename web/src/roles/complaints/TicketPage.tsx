import { Alert, App, Button, Card, Descriptions, Space, Table, Tag, Timeline, Typography } from "antd";
import { useState } from "react";
import { Link, useLocation, useParams } from "react-router-dom";

import { useMe } from "../../auth/me";
import { DeadlineTag } from "../../common/DeadlineTag";
import { Loading } from "../../common/Loading";
import { ProblemAlert } from "../../common/ProblemAlert";
import { useMerge, useOpenSubmitter, useStep, useTicket, useTicketsById, type StepCall, type TicketDetail } from "./api";
import {
  allowedSteps,
  atBureauDesk,
  deadlineOutcome,
  mergeable,
  parseUnit,
  shortId,
  type Deadline,
  type Step,
  type Ticket,
} from "./rules";
import { StepDialog, type AskingStep } from "./StepDialog";
import { useDateTime, useText } from "./text";
import { UnitName, useOwnerName, useUnitName } from "./UnitName";

const sectionTitle = (text: string) => (
  <Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>
    {text}
  </Typography.Title>
);

// History details whose values are the service's codes, not free text.
const CODED_DETAILS: Record<string, string> = { rule: "routing.rule", outcome: "outcome", filed: "filed" };

/** One ticket: where it stands and who owns it, its clocks, the next steps, duplicates, history. */
export function TicketPage({ base }: { base: string }) {
  const { id = "" } = useParams();
  const t = useText();
  const at = useDateTime();
  const ownerName = useOwnerName();
  const unitName = useUnitName();
  const { modal } = App.useApp();
  // Just taken at intake: how many tickets the submission made (one per kind).
  const taken = (useLocation().state as { taken?: number } | null)?.taken;
  const me = useMe();
  const ticket = useTicket(id);
  const step = useStep(id);
  const merge = useMerge();
  const [asking, setAsking] = useState<AskingStep | null>(null);

  if (ticket.isPending) return <Loading />;
  if (!ticket.data) return <ProblemAlert error={ticket.error} />;
  const record = ticket.data;
  const bureauDesk = atBureauDesk(me.data);
  const steps = allowedSteps(record, bureauDesk);
  const handler = me.data?.roles.includes("complaints_handler") ?? false;
  const canAct = handler || (me.data?.roles.includes("station_staff") ?? false);

  const run = async (call: StepCall) => {
    await step.mutateAsync(call);
    setAsking(null);
  };
  const take = (chosen: Step) => {
    if (chosen === "accept" || chosen === "close") void run({ step: chosen }).catch(() => undefined);
    else setAsking(chosen);
  };
  const desk = parseUnit(record.owner) !== null;

  return (
    <Space direction="vertical" style={{ width: "100%" }}>
      <Link to={`${base}/tickets`}>{t("complaints.ticket.back")}</Link>
      <Card
        title={
          <Typography.Title level={1} style={{ fontSize: 20, margin: 0 }}>
            {t("complaints.ticket.title", { kind: t(`complaints.kind.${record.kind}`), id: shortId(record.id) })}
          </Typography.Title>
        }
        extra={
          <Space>
            {record.reopen_requested && <Tag color="orange">{t("complaints.ticket.reopenAsked")}</Tag>}
            <Tag color="blue" data-testid="ticket-status">
              {t(`complaints.status.${record.status}`)}
            </Tag>
          </Space>
        }
      >
        <ProblemAlert error={step.error} />
        {taken !== undefined && (
          <Alert type="success" showIcon closable style={{ marginBottom: 12 }} title={t("complaints.intake.done", { count: taken })} />
        )}
        {record.serial_submitter && (
          <Alert type="warning" showIcon style={{ marginBottom: 12 }} title={t("complaints.ticket.serial")} />
        )}
        <Descriptions column={{ xs: 1, md: 2 }} size="small">
          <Descriptions.Item label={t("complaints.field.unit")}>
            <UnitName unit={record.unit} testId="ticket-unit" />
          </Descriptions.Item>
          <Descriptions.Item label={t("complaints.field.routingRule")}>
            <span data-testid="ticket-rule">{t(`complaints.routing.rule.${record.routing_rule}`)}</span>
          </Descriptions.Item>
          <Descriptions.Item label={t("complaints.field.owner")}>
            <span data-testid="ticket-owner">{ownerName(record.owner, record.unit)}</span>
          </Descriptions.Item>
          <Descriptions.Item label={t("complaints.field.receivedAt")}>{at(record.received_at)}</Descriptions.Item>
          <Descriptions.Item label={t("complaints.field.businessName")}>{record.business.name ?? ""}</Descriptions.Item>
          <Descriptions.Item label={t("complaints.field.creditCode")}>
            {record.business.credit_code && (
              <Link to={`${base}/tickets?credit_code=${record.business.credit_code}`}>{record.business.credit_code}</Link>
            )}
          </Descriptions.Item>
          {record.satisfaction !== null && (
            <Descriptions.Item label={t("complaints.field.satisfaction")}>
              {t(`complaints.satisfaction.${record.satisfaction}`)}
            </Descriptions.Item>
          )}
          {record.merged_into && (
            <Descriptions.Item label={t("complaints.field.mergedInto")}>
              <Link to={`${base}/tickets/${record.merged_into}`}>{shortId(record.merged_into)}</Link>
            </Descriptions.Item>
          )}
          {record.linked.length > 0 && (
            <Descriptions.Item label={t("complaints.field.linked")}>
              <Space wrap>
                {record.linked.map((other) => (
                  <Link key={other} to={`${base}/tickets/${other}`}>
                    {shortId(other)}
                  </Link>
                ))}
              </Space>
            </Descriptions.Item>
          )}
        </Descriptions>
        {canAct && (
          <Space style={{ marginTop: 16 }} wrap>
            {steps.map((chosen) => (
              <Button
                key={chosen}
                type={["accept", "mediation", "reply", "close", "follow-up"].includes(chosen) ? "primary" : "default"}
                loading={step.isPending && step.variables?.step === chosen}
                onClick={() => take(chosen)}
              >
                {t(`complaints.step.${chosen}`)}
              </Button>
            ))}
            {steps.length === 0 && <Typography.Text type="secondary">{t("complaints.ticket.noSteps")}</Typography.Text>}
          </Space>
        )}
      </Card>
      {handler && <SubmitterCard id={record.id} />}
      <Card size="small" title={sectionTitle(t("complaints.ticket.clocks"))}>
        <Table<Deadline>
          size="small"
          rowKey={(row) => `${row.rule}-${row.start}`}
          pagination={false}
          dataSource={record.deadlines}
          locale={{ emptyText: t("complaints.ticket.noClocks") }}
          columns={[
            { title: t("complaints.field.clockRule"), dataIndex: "rule", render: (rule: string) => t(`complaints.clock.${rule}`) },
            { title: t("complaints.field.clockStart"), dataIndex: "start" },
            {
              title: t("complaints.field.clockDue"),
              key: "due",
              render: (_, row) => {
                const outcome = deadlineOutcome(row);
                if (outcome === "running" && record.status !== "merged") return <DeadlineTag due={row.due} />;
                return (
                  <span>
                    {row.due}{" "}
                    {outcome !== "running" && (
                      <Tag color={outcome === "kept" ? "#237804" : "#a8071a"}>
                        {t(`complaints.clockOutcome.${outcome}`, { date: row.met_on ?? "" })}
                      </Tag>
                    )}
                  </span>
                );
              },
            },
            { title: t("complaints.field.clockBasis"), dataIndex: "basis" },
          ]}
        />
      </Card>
      <DuplicatesCard
        record={record}
        base={base}
        canAct={canAct}
        error={merge.error}
        onMerge={(call) =>
          modal.confirm({
            title: t("complaints.merge.confirm", { from: shortId(call.from), into: shortId(call.into) }),
            okText: t("complaints.merge.ok"),
            cancelText: t("shell.cancel"),
            onOk: async () => {
              // A refusal shows on the duplicates' card; the history shows the merge.
              await merge.mutateAsync(call).catch(() => undefined);
            },
          })
        }
      />
      <Card size="small" title={sectionTitle(t("complaints.ticket.history"))}>
        <Timeline
          items={record.history.map((entry) => ({
            content: (
              <div>
                <Typography.Text strong>{t(`complaints.action.${entry.action}`)}</Typography.Text>
                {` · ${at(entry.at)} · ${entry.by} · `}
                <Tag>{t(`complaints.status.${entry.status}`)}</Tag>
                {Object.entries(entry.details).map(([key, value]) => {
                  const unit = key === "unit" ? parseUnit(value) : null;
                  const coded = CODED_DETAILS[key];
                  const shown = unit
                    ? unitName(unit)
                    : key === "from" || key === "to"
                      ? ownerName(value)
                      : key === "into" || key === "ticket"
                        ? shortId(value)
                        : coded
                          ? t(`complaints.${coded}.${value}`)
                          : value;
                  return (
                    <div key={key} style={{ fontSize: 13 }}>
                      <Typography.Text type="secondary">{t(`complaints.detail.${key}`)}</Typography.Text>
                      {`: ${shown}`}
                    </div>
                  );
                })}
              </div>
            ),
          }))}
        />
      </Card>
      <StepDialog
        step={asking}
        // Taking a desk's ticket oneself is the usual handover (first-handling responsibility).
        initial={asking === "handover" && desk ? { to: me.data?.sub } : undefined}
        onCancel={() => setAsking(null)}
        onSubmit={run}
      />
    </Space>
  );
}

/** The submitter's identity, opened only on request: the service records who read it. */
function SubmitterCard({ id }: { id: string }) {
  const t = useText();
  const open = useOpenSubmitter(id);
  return (
    <Card size="small" title={sectionTitle(t("complaints.submitter.title"))}>
      <ProblemAlert error={open.error} />
      {open.data ? (
        open.data.anonymous ? (
          <Typography.Text>{t("complaints.submitter.anonymous")}</Typography.Text>
        ) : (
          <Descriptions column={{ xs: 1, md: 3 }} size="small">
            <Descriptions.Item label={t("complaints.field.name")}>
              <span data-testid="submitter-name">{open.data.name ?? ""}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t("complaints.field.phone")}>{open.data.phone ?? ""}</Descriptions.Item>
            <Descriptions.Item label={t("complaints.field.idNumber")}>{open.data.id_number ?? ""}</Descriptions.Item>
          </Descriptions>
        )
      ) : (
        <Space wrap>
          <Typography.Text type="secondary">{t("complaints.submitter.sealed")}</Typography.Text>
          <Button onClick={() => open.mutate()} loading={open.isPending}>
            {t("complaints.submitter.open")}
          </Button>
        </Space>
      )}
    </Card>
  );
}

interface MergeCall {
  from: string;
  into: string;
}

/** The service's proposed duplicates (same business and kind lately), each mergeable either way. */
function DuplicatesCard({
  record,
  base,
  canAct,
  error,
  onMerge,
}: {
  record: TicketDetail;
  base: string;
  canAct: boolean;
  error: unknown;
  onMerge: (call: MergeCall) => void;
}) {
  const t = useText();
  const at = useDateTime();
  const ownerName = useOwnerName();
  const found = useTicketsById(record.duplicates);
  const rows = found.flatMap((query) => (query.data ? [query.data] : []));
  if (record.duplicates.length === 0) return null;
  return (
    <Card size="small" title={sectionTitle(t("complaints.duplicates.title", { count: record.duplicates.length }))}>
      <Typography.Paragraph type="secondary">{t("complaints.duplicates.hint")}</Typography.Paragraph>
      <ProblemAlert error={error} />
      <Table<Ticket>
        size="small"
        rowKey="id"
        pagination={false}
        dataSource={rows}
        loading={found.some((query) => query.isPending)}
        columns={[
          {
            title: t("complaints.field.ticket"),
            dataIndex: "id",
            render: (other: string) => <Link to={`${base}/tickets/${other}`}>{shortId(other)}</Link>,
          },
          { title: t("complaints.field.status"), dataIndex: "status", render: (status: string) => <Tag>{t(`complaints.status.${status}`)}</Tag> },
          { title: t("complaints.field.owner"), dataIndex: "owner", render: (owner: string, row) => ownerName(owner, row.unit) },
          { title: t("complaints.field.receivedAt"), dataIndex: "received_at", render: (value: string) => at(value) },
          {
            title: t("complaints.duplicates.merge"),
            key: "merge",
            render: (_, other) =>
              canAct &&
              mergeable(other) &&
              mergeable(record) && (
                <Space wrap>
                  <Button size="small" onClick={() => onMerge({ from: other.id, into: record.id })}>
                    {t("complaints.duplicates.intoThis", { id: shortId(other.id) })}
                  </Button>
                  <Button size="small" onClick={() => onMerge({ from: record.id, into: other.id })}>
                    {t("complaints.duplicates.thisInto", { id: shortId(other.id) })}
                  </Button>
                </Space>
              ),
          },
        ]}
      />
    </Card>
  );
}
