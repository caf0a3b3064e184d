import { Card, Descriptions, Space, Table, Tag, Typography } from "antd";
import type { HTMLAttributes } from "react";
import { useIntl } from "react-intl";

import type { Case, CaseDeadline, Statement } from "./api";
import { LegalClock } from "./LegalClock";
import { CASE_DEADLINE_COLOURS } from "./rules";
import { CardTitle } from "./Titles";

/** 事先告知 and what followed it: the facts, grounds and intended penalty as served, whether a
 * hearing is on offer, the party's periods, its statements with their answers, its waiver, the hearing. */
export function PenaltyNoticeCard({ record }: { record: Case }) {
  const intl = useIntl();
  const t = (key: string, values?: Record<string, string | number>) => intl.formatMessage({ id: key }, values);
  const date = (at: string) => new Date(at).toLocaleString(intl.locale, { timeZone: "Asia/Shanghai" });
  const money = (amount: string | null | undefined) =>
    amount === null || amount === undefined ? "" : intl.formatNumber(Number(amount), { style: "currency", currency: "CNY" });
  const notice = record.penalty_notice;
  // The party's periods stop counting once it was heard, waived them or the decision came.
  const decided = record.decision !== null;
  return (
    <Card title={<CardTitle>{t("enforcement.case.penaltyNotice")}</CardTitle>}>
      {notice ? (
        <Space orientation="vertical" style={{ width: "100%" }} size="middle">
          <Descriptions column={{ xs: 1, md: 2 }} size="small" bordered data-testid="penalty-notice">
            <Descriptions.Item label={t("enforcement.field.facts")} span={2}>
              <span style={{ whiteSpace: "pre-wrap" }}>{notice.facts}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t("enforcement.field.legalBasis")} span={2}>
              {notice.legal_basis}
            </Descriptions.Item>
            <Descriptions.Item label={t("enforcement.field.intendedPenalty")}>
              <span data-testid="intended-penalty">
                {t(`enforcement.penalty.${notice.penalty.kind}`)} {money(notice.penalty.amount)}
              </span>
            </Descriptions.Item>
            <Descriptions.Item label={t("enforcement.field.partyKind")}>
              <Space wrap size={4}>
                {t(`enforcement.party.${notice.party_kind}`)}
                <Tag color={notice.hearing_offered ? "purple" : "default"} data-testid="hearing-offered">
                  {t(notice.hearing_offered ? "enforcement.case.hearingOffered" : "enforcement.case.noHearingOffered")}
                </Tag>
              </Space>
            </Descriptions.Item>
            <Descriptions.Item label={t("enforcement.field.servedOn")}>{notice.served_on}</Descriptions.Item>
            <Descriptions.Item label={t("enforcement.field.servedHow")}>{t(`enforcement.method.${notice.served_how}`)}</Descriptions.Item>
            <Descriptions.Item label={t("enforcement.field.statementDeadline")}>
              <LegalClock
                deadline={notice.statement_deadline}
                running={!decided && notice.waived_on === null}
                testId="statement-clock"
              />
            </Descriptions.Item>
            {notice.hearing_request_deadline && (
              <Descriptions.Item label={t("enforcement.field.hearingRequestDeadline")}>
                <LegalClock
                  deadline={notice.hearing_request_deadline}
                  running={!decided && notice.waived_on === null && notice.hearing === null}
                  testId="hearing-request-clock"
                />
              </Descriptions.Item>
            )}
          </Descriptions>
          {notice.waived_on && (
            <Typography.Text data-testid="waiver">{t("enforcement.case.waivedOn", { date: notice.waived_on })}</Typography.Text>
          )}
          <Table<Statement>
            rowKey="number"
            size="small"
            pagination={false}
            dataSource={notice.statements}
            locale={{ emptyText: t("enforcement.case.noStatements") }}
            data-testid="statements"
            title={() => <Typography.Text strong>{t("enforcement.case.statements")}</Typography.Text>}
            columns={[
              { title: t("enforcement.field.statement"), dataIndex: "number", width: 90, render: (number: number) => t("enforcement.case.statementNumber", { number }) },
              { title: t("enforcement.field.receivedOn"), dataIndex: "received_on", width: 120 },
              { title: t("enforcement.field.content"), dataIndex: "content", render: (text: string) => <span style={{ whiteSpace: "pre-wrap" }}>{text}</span> },
              {
                title: t("enforcement.field.answer"),
                render: (_, statement) =>
                  statement.answer ? (
                    <Space orientation="vertical" size={2}>
                      <Tag color={statement.answer.accepted ? "blue" : "default"}>
                        {t(statement.answer.accepted ? "enforcement.case.accepted" : "enforcement.case.rejected")}
                      </Tag>
                      <span style={{ whiteSpace: "pre-wrap" }}>{statement.answer.reasons}</span>
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                        {t("enforcement.case.answeredBy", { by: statement.answer.answered_by, at: date(statement.answer.answered_at) })}
                      </Typography.Text>
                    </Space>
                  ) : (
                    <Tag color="red">{t("enforcement.case.unanswered")}</Tag>
                  ),
              },
              { title: t("enforcement.field.recordedBy"), dataIndex: "recorded_by", width: 110 },
            ]}
          />
          {notice.hearing && (
            <Descriptions column={1} size="small" data-testid="hearing">
              <Descriptions.Item label={t("enforcement.field.hearing")}>
                <Space orientation="vertical" size={2}>
                  <span>{t("enforcement.case.hearingRequested", { date: notice.hearing.requested_on })}</span>
                  <span>
                    {notice.hearing.conclusion
                      ? t("enforcement.case.hearingHeld", {
                          start: notice.hearing.start ?? "",
                          end: notice.hearing.end ?? "",
                          conclusion: notice.hearing.conclusion,
                        })
                      : t("enforcement.case.hearingNotHeld")}
                  </span>
                </Space>
              </Descriptions.Item>
            </Descriptions>
          )}
        </Space>
      ) : (
        <Typography.Text type="secondary">{t("enforcement.case.noPenaltyNotice")}</Typography.Text>
      )}
    </Card>
  );
}

/** Every deadline the case has met so far, as the service computed it: the step it times, the due
 * day, the service's state, the rule and its legal basis. */
export function CaseDeadlinesCard({ record }: { record: Case }) {
  const intl = useIntl();
  const t = (key: string) => intl.formatMessage({ id: key });
  const known = (key: string, fallback: string) => (intl.messages[key] ? t(key) : fallback);
  return (
    <Card title={<CardTitle>{t("enforcement.case.deadlines")}</CardTitle>}>
      <Table<CaseDeadline>
        rowKey="step"
        size="small"
        pagination={false}
        dataSource={record.deadlines}
        locale={{ emptyText: t("shell.empty") }}
        data-testid="case-deadlines"
        onRow={(deadline) => ({ "data-step": deadline.step }) as HTMLAttributes<HTMLElement>}
        columns={[
          { title: t("enforcement.field.step"), dataIndex: "step", render: (step: string) => known(`enforcement.deadlineStep.${step}`, step) },
          { title: t("enforcement.field.due"), dataIndex: "due", width: 120 },
          {
            title: t("enforcement.field.state"),
            dataIndex: "state",
            width: 110,
            render: (state: string) => (
              <Tag color={CASE_DEADLINE_COLOURS[state]} data-state={state}>
                {known(`enforcement.deadlineState.${state}`, state)}
              </Tag>
            ),
          },
          { title: t("enforcement.field.ruleCode"), dataIndex: "rule_code", responsive: ["md"] },
          { title: t("enforcement.field.legalBasis"), dataIndex: "basis" },
        ]}
      />
    </Card>
  );
}
