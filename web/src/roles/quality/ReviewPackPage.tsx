import { Alert, Button, Form, Input, Space, Table, Tag, Typography } from "antd";
import { FormattedMessage, useIntl } from "react-intl";
import { Link, useSearchParams } from "react-router-dom";

import { bureauToday } from "../../common/deadline";
import { DeadlineTag } from "../../common/DeadlineTag";
import { Loading } from "../../common/Loading";
import { ProblemAlert } from "../../common/ProblemAlert";
import { useReviewPack, type ReviewPack } from "./api";
import { known } from "./known";
import { addMonths, formatFigure, isMonth, listSeparator, measureOf, monthSpan } from "./rules";
import { GREEN, RED } from "./colours";

type Count = ReviewPack["nonconformities_total"];

/** The management review's inputs over a span of months, to print for the meeting. */
export function ReviewPackPage() {
  const intl = useIntl();
  const t = (id: string, values?: Record<string, string | number>) => intl.formatMessage({ id }, values);
  const [search, setSearch] = useSearchParams();
  const thisMonth = bureauToday().slice(0, 7);
  const last = isMonth(search.get("to")) ? (search.get("to") as string) : thisMonth;
  const first = isMonth(search.get("from")) ? (search.get("from") as string) : addMonths(last, -11);
  const valid = monthSpan(first, last) > 0;
  const pack = useReviewPack(first, last);

  const change = (name: string, value: string) => {
    if (!isMonth(value)) return;
    const next = new URLSearchParams(search);
    next.set(name, value);
    setSearch(next);
  };
  const countColumns = (nameTitle: string, name: (value: string | null) => string) => [
    { title: nameTitle, dataIndex: "name", render: (value: string | null) => name(value) },
    { title: t("quality.report.raised"), dataIndex: "raised" },
    { title: t("quality.report.closed"), dataIndex: "closed" },
    { title: t("quality.report.openAtEnd"), dataIndex: "open_at_end" },
  ];

  return (
    <Space direction="vertical" style={{ width: "100%" }} className="qms-report">
      <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
        <FormattedMessage id="quality.review.heading" values={{ first, last }} />
      </Typography.Title>
      <Form layout="inline" className="no-print">
        <Form.Item label={t("quality.review.from")} htmlFor="review-from">
          <Input id="review-from" type="month" value={first} onChange={(event) => change("from", event.target.value)} />
        </Form.Item>
        <Form.Item label={t("quality.review.to")} htmlFor="review-to">
          <Input id="review-to" type="month" value={last} onChange={(event) => change("to", event.target.value)} />
        </Form.Item>
        <Form.Item>
          <Button type="primary" onClick={() => window.print()}>
            <FormattedMessage id="shell.print" />
          </Button>
        </Form.Item>
      </Form>
      {!valid && <Alert type="warning" showIcon title={t("quality.review.order")} />}
      <ProblemAlert error={pack.error} />
      {pack.isPending ? (
        <Loading />
      ) : (
        pack.data && (
          <>
            <Typography.Title level={2}>
              <FormattedMessage id="quality.report.objectives" />
            </Typography.Title>
            <Table<ReviewPack["objectives"][number]>
              rowKey="code"
              size="small"
              pagination={false}
              dataSource={pack.data.objectives}
              columns={[
                { title: t("quality.report.objective"), dataIndex: "title" },
                {
                  title: t("quality.review.overSpan"),
                  key: "value",
                  render: (_: unknown, row) => formatFigure(row.value, measureOf(row.target, [row, ...row.series]), intl.locale),
                },
                {
                  title: t("quality.objectives.target"),
                  key: "target",
                  render: (_: unknown, row) => formatFigure(row.target, measureOf(row.target, [row, ...row.series]), intl.locale),
                },
                { title: t("quality.review.monthsBreached"), dataIndex: "months_breached" },
                {
                  title: t("quality.field.status"),
                  dataIndex: "status",
                  render: (status: string) => <Tag color={status === "met" ? GREEN : RED}>{t(`quality.objectiveStatus.${status}`)}</Tag>,
                },
              ]}
            />
            <Typography.Title level={2}>
              <FormattedMessage id="quality.report.nonconformities" />
            </Typography.Title>
            <div className="qms-grid">
              <Table<Count>
                rowKey={(row) => row.name ?? "total"}
                size="small"
                pagination={false}
                dataSource={[...pack.data.nonconformities_by_source, { ...pack.data.nonconformities_total, name: null }]}
                columns={countColumns(t("quality.field.source"), (name) => (name ? known(intl, `quality.ncSource.${name}`, name) : t("quality.report.total")))}
              />
              <Table<Count>
                rowKey={(row) => row.name ?? "bureau"}
                size="small"
                pagination={false}
                dataSource={pack.data.nonconformities_by_office}
                locale={{ emptyText: t("shell.empty") }}
                columns={countColumns(t("quality.field.office"), (name) => name ?? t("quality.bureau"))}
              />
            </div>
            <Typography.Title level={2}>
              <FormattedMessage id="quality.review.overdue" />
            </Typography.Title>
            <Table<ReviewPack["overdue_actions"][number]>
              rowKey={(row) => `${row.nonconformity_id}-${row.number}`}
              size="small"
              pagination={false}
              dataSource={pack.data.overdue_actions}
              locale={{ emptyText: t("shell.empty") }}
              columns={[
                {
                  title: t("quality.nc.one.short"),
                  dataIndex: "nonconformity_id",
                  render: (id: string, row) => <Link to={`/quality/nonconformities/${id}`}>{`${row.office ?? t("quality.bureau")} #${row.number}`}</Link>,
                },
                { title: t("quality.action.description"), dataIndex: "description" },
                { title: t("quality.action.owner"), dataIndex: "owner" },
                { title: t("quality.action.due"), dataIndex: "due", render: (due: string) => <DeadlineTag due={due} /> },
              ]}
            />
            <Typography.Title level={2}>
              <FormattedMessage id="quality.report.audits" />
            </Typography.Title>
            <Table<ReviewPack["audits"][number]>
              rowKey="id"
              size="small"
              pagination={false}
              dataSource={pack.data.audits}
              locale={{ emptyText: t("shell.empty") }}
              columns={[
                { title: t("quality.audits.plannedOn"), dataIndex: "planned_on" },
                { title: t("quality.audits.auditTitle"), dataIndex: "title" },
                {
                  title: t("quality.audits.findings"),
                  dataIndex: "findings",
                  render: (findings: Record<string, number>) =>
                    Object.entries(findings)
                      .map(([severity, count]) => `${known(intl, `quality.severity.${severity}`, severity)} ${count}`)
                      .join(listSeparator(intl.locale)) || "—",
                },
              ]}
            />
            <Typography.Title level={2}>
              <FormattedMessage id="quality.review.documents" />
            </Typography.Title>
            <Table<ReviewPack["documents_changed"][number]>
              rowKey={(row) => `${row.document_id}-${row.version}`}
              size="small"
              pagination={false}
              dataSource={pack.data.documents_changed}
              locale={{ emptyText: t("shell.empty") }}
              columns={[
                { title: t("quality.docs.code"), dataIndex: "code", render: (code: string, row) => <Link to={`/quality/documents/${row.document_id}`}>{code}</Link> },
                { title: t("quality.docs.docTitle"), dataIndex: "title" },
                { title: "#", dataIndex: "version" },
                { title: t("quality.docs.changeNote"), dataIndex: "change_note" },
                { title: t("quality.docs.approver"), dataIndex: "approver" },
                { title: t("quality.docs.effective"), dataIndex: "effective_date" },
              ]}
            />
          </>
        )
      )}
    </Space>
  );
}
