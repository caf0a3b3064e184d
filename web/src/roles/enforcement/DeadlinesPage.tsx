import { Alert, Card, Segmented, Space, Table, Tag, Typography } from "antd";
import { useIntl } from "react-intl";
import { Link, useSearchParams } from "react-router-dom";

import { DeadlineTag } from "../../common/DeadlineTag";
import { MoreRows } from "../../common/PagedList";
import { ProblemAlert } from "../../common/ProblemAlert";
import { useCaseSources, useDeadlines, type CaseSource, type WatchedDeadline } from "./api";
import { boardGroups, clockFacts, deadlineRecordPath } from "./rules";
import { CardTitle, PageTitle } from "./Titles";

const STATES = ["all", "overdue", "due_soon"] as const;
type StateFilter = (typeof STATES)[number];

/** The section's legal clocks: what the service's deadline watch finds overdue or due soon, and
 * every case source still waiting for the decision whether to file. */
export function DeadlinesPage() {
  const intl = useIntl();
  const t = (key: string, values?: Record<string, string | number>) => intl.formatMessage({ id: key }, values);
  const [search, setSearch] = useSearchParams();
  const state: StateFilter = STATES.find((value) => value === search.get("state")) ?? "all";
  const watch = useDeadlines();
  const waiting = useCaseSources({ status: "received" });
  const waitingRows = waiting.data ?? [];
  const groups = boardGroups(watch.data ?? []);
  const watched = state === "overdue" ? groups.overdue : state === "due_soon" ? groups.dueSoon : [...groups.overdue, ...groups.dueSoon];
  const rule = (code: string) => (intl.messages[`enforcement.legal.${code}`] ? t(`enforcement.legal.${code}`) : code);

  return (
    <Space orientation="vertical" style={{ width: "100%" }}>
      <PageTitle>{t("enforcement.deadlines.title")}</PageTitle>
      <Alert type="info" showIcon title={t("enforcement.deadlines.figures")} />
      <Card
        title={<CardTitle>{t("enforcement.deadlines.watch")}</CardTitle>}
        extra={
          <Typography.Text>
            {t("enforcement.deadlines.counts", { overdue: groups.overdue.length, soon: groups.dueSoon.length })}
          </Typography.Text>
        }
      >
        <Segmented
          aria-label={t("enforcement.deadlines.filter")}
          value={state}
          onChange={(value) => setSearch(value === "all" ? {} : { state: String(value) }, { replace: true })}
          options={STATES.map((value) => ({ value, label: t(`enforcement.deadlines.state.${value}`) }))}
          style={{ marginBottom: 12 }}
        />
        <ProblemAlert error={watch.error} />
        <Table<WatchedDeadline>
          rowKey={(entry) => `${entry.deadline}-${entry.subject_id}`}
          size="small"
          loading={watch.isPending}
          dataSource={watched}
          pagination={{ pageSize: 50, hideOnSinglePage: true }}
          locale={{ emptyText: t("enforcement.deadlines.none") }}
          data-testid="watch"
          columns={[
            {
              title: t("enforcement.deadlines.clock"),
              dataIndex: "deadline",
              render: (kind: WatchedDeadline["deadline"], entry) => {
                const label = t(`enforcement.deadlines.kind.${kind}`, { number: entry.subject_id.slice(0, 8) });
                const path = deadlineRecordPath(kind, entry.subject_id);
                return path ? <Link to={path}>{label}</Link> : label;
              },
            },
            { title: t("enforcement.field.creditCode"), dataIndex: "credit_code" },
            { title: t("enforcement.field.due"), dataIndex: "due" },
            { title: t("enforcement.deadlines.days"), dataIndex: "due", key: "days", render: (due: string) => <DeadlineTag due={due} /> },
            {
              title: t("enforcement.deadlines.serviceState"),
              dataIndex: "state",
              render: (value: string) => <Tag color={value === "overdue" ? "red" : "magenta"}>{t(`enforcement.deadlines.state.${value}`)}</Tag>,
            },
            {
              title: t("enforcement.deadlines.rule"),
              dataIndex: "rule_code",
              render: (code: string, entry) => (
                <Space orientation="vertical" size={0}>
                  <span>{rule(code)}</span>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>{entry.basis}</Typography.Text>
                </Space>
              ),
            },
          ]}
        />
      </Card>
      <Card title={<CardTitle>{t("enforcement.deadlines.verifying")}</CardTitle>}>
        <Typography.Paragraph type="secondary">{t("enforcement.deadlines.verifyingHint")}</Typography.Paragraph>
        <ProblemAlert error={waiting.error} />
        <Table<CaseSource>
          rowKey="id"
          size="small"
          loading={waiting.isPending}
          dataSource={waitingRows}
          pagination={false}
          locale={{ emptyText: t("shell.empty") }}
          data-testid="verifying"
          columns={[
            {
              title: t("enforcement.field.allegation"),
              dataIndex: "allegation",
              ellipsis: true,
              render: (allegation: string, row) => <Link to={`/enforcement/case-sources/${row.id}`}>{allegation}</Link>,
            },
            { title: t("enforcement.field.department"), dataIndex: "source_department", width: 120, render: (value: string) => t(`enforcement.department.${value}`) },
            { title: t("enforcement.field.due"), dataIndex: "verify_due", width: 110 },
            { title: t("enforcement.deadlines.days"), dataIndex: "verify_due", key: "days", width: 170, render: (due: string) => <DeadlineTag due={due} /> },
            {
              title: t("enforcement.deadlines.counted"),
              key: "counted",
              render: (_, row) =>
                clockFacts(row.verify_deadline)
                  .map((fact) => t(`enforcement.clock.${fact.key}`, fact.values))
                  .join(" · "),
            },
          ]}
        />
        <MoreRows list={waiting} style={{ marginTop: 12 }} />
      </Card>
    </Space>
  );
}
