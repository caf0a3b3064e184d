import { Button, Card, Form, Input, Space, Table, Tag, Typography } from "antd";
import { useMemo } from "react";
import { FormattedMessage, useIntl } from "react-intl";
import { useSearchParams } from "react-router-dom";

import { api } from "../../api/client";
import { unwrap } from "../../api/problems";
import { bureauToday } from "../../common/deadline";
import { Loading } from "../../common/Loading";
import { ProblemAlert } from "../../common/ProblemAlert";
import { useMonthlyReport, type MonthlyReport } from "./api";
import { Chart } from "./Chart";
import { barsOption, trendOption } from "./charts";
import { known } from "./known";
import { formatFigure, isMonth, listSeparator, measureOf, trendSummary } from "./rules";
import { GREEN, RED } from "./colours";

type Line = MonthlyReport["objectives"][number];
type Count = MonthlyReport["nonconformities"][number];

/** The month's work report, laid out to print: objectives against target, nonconformities, audits. */
export function MonthlyReportPage() {
  const intl = useIntl();
  const t = (id: string, values?: Record<string, string | number>) => intl.formatMessage({ id }, values);
  const [search, setSearch] = useSearchParams();
  const month = isMonth(search.get("month")) ? (search.get("month") as string) : bureauToday().slice(0, 7);
  const office = search.get("office") || undefined;
  const report = useMonthlyReport(month, office);

  const change = (name: string, value: string | undefined) => {
    const next = new URLSearchParams(search);
    if (value) next.set(name, value);
    else next.delete(name);
    setSearch(next);
  };

  const downloadCsv = async () => {
    const result = await api.GET("/api/qms/reports/monthly", {
      params: { query: { month, office, format: "csv" } },
      parseAs: "blob",
    });
    const blob = unwrap(result) as unknown as Blob;
    const link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = `qms-monthly-${month}-${office ?? "bureau"}.csv`;
    link.click();
    URL.revokeObjectURL(link.href);
  };

  return (
    <Space direction="vertical" style={{ width: "100%" }} className="qms-report">
      <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
        <FormattedMessage id="quality.report.heading" values={{ month, where: office ?? t("quality.bureau") }} />
      </Typography.Title>
      <Form layout="inline" className="no-print">
        <Form.Item label={t("quality.report.month")} htmlFor="report-month">
          <Input id="report-month" type="month" value={month} onChange={(event) => isMonth(event.target.value) && change("month", event.target.value)} />
        </Form.Item>
        <Form.Item label={t("quality.field.office")} htmlFor="report-office">
          <Input.Search
            id="report-office"
            allowClear
            defaultValue={office}
            placeholder={t("quality.field.officeAll")}
            enterButton={t("quality.apply")}
            onSearch={(value) => change("office", value.trim() || undefined)}
          />
        </Form.Item>
        <Form.Item>
          <Space>
            <Button type="primary" onClick={() => window.print()}>
              <FormattedMessage id="shell.print" />
            </Button>
            <Button onClick={() => void downloadCsv()}>
              <FormattedMessage id="quality.report.csv" />
            </Button>
          </Space>
        </Form.Item>
      </Form>
      <ProblemAlert error={report.error} />
      {report.isPending ? <Loading /> : report.data && <ReportBody report={report.data} />}
    </Space>
  );
}

function ReportBody({ report }: { report: MonthlyReport }) {
  const intl = useIntl();
  const t = (id: string, values?: Record<string, string | number>) => intl.formatMessage({ id }, values);
  const sourceName = (name: string | null) => (name ? known(intl, `quality.ncSource.${name}`, name) : t("quality.report.total"));
  const ncRows = [...report.nonconformities, { ...report.nonconformities_total, name: null }];
  const bars = useMemo(
    () =>
      barsOption(
        report.nonconformities.map((row) => sourceName(row.name)),
        [
          { name: t("quality.report.raised"), values: report.nonconformities.map((row) => row.raised) },
          { name: t("quality.report.closed"), values: report.nonconformities.map((row) => row.closed) },
          { name: t("quality.report.openAtEnd"), values: report.nonconformities.map((row) => row.open_at_end) },
        ],
      ),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [report, intl.locale],
  );
  const barsLabel = t("quality.chart.ncBars", {
    parts: report.nonconformities
      .map((row) => t("quality.chart.ncBar", { source: sourceName(row.name), raised: row.raised, closed: row.closed, open: row.open_at_end }))
      .join("; "),
  });

  return (
    <>
      <Typography.Title level={2}>
        <FormattedMessage id="quality.report.objectives" />
      </Typography.Title>
      <Table<Line>
        rowKey="code"
        size="small"
        pagination={false}
        dataSource={report.objectives}
        locale={{ emptyText: t("shell.empty") }}
        columns={[
          { title: t("quality.report.objective"), dataIndex: "title" },
          {
            title: t("quality.objectives.value"),
            key: "value",
            render: (_: unknown, row) => formatFigure(row.value, measureOf(row.target, [row, ...row.series]), intl.locale),
          },
          {
            title: t("quality.objectives.target"),
            key: "target",
            render: (_: unknown, row) => formatFigure(row.target, measureOf(row.target, [row, ...row.series]), intl.locale),
          },
          {
            title: t("quality.report.previous"),
            key: "previous",
            render: (_: unknown, row) => formatFigure(row.previous_value, measureOf(row.target, [row, ...row.series]), intl.locale),
          },
          {
            title: t("quality.report.change"),
            key: "change",
            render: (_: unknown, row) => {
              if (row.change === null) return "—";
              const text = formatFigure(Math.abs(row.change), measureOf(row.target, [row, ...row.series]), intl.locale);
              return row.change > 0 ? `+${text}` : row.change < 0 ? `−${text}` : text;
            },
          },
          {
            title: t("quality.field.status"),
            dataIndex: "status",
            render: (status: string) => <Tag color={status === "met" ? GREEN : RED}>{t(`quality.objectiveStatus.${status}`)}</Tag>,
          },
        ]}
      />
      <div className="qms-grid" style={{ marginTop: 12 }}>
        {report.objectives.map((line) => (
          <ReportTrend key={line.code} line={line} />
        ))}
      </div>
      <Typography.Title level={2}>
        <FormattedMessage id="quality.report.nonconformities" />
      </Typography.Title>
      <div className="qms-grid">
        <Table<Count>
          rowKey={(row) => row.name ?? "total"}
          size="small"
          pagination={false}
          dataSource={ncRows}
          columns={[
            { title: t("quality.field.source"), dataIndex: "name", render: (name: string | null) => sourceName(name) },
            { title: t("quality.report.raised"), dataIndex: "raised" },
            { title: t("quality.report.closed"), dataIndex: "closed" },
            { title: t("quality.report.openAtEnd"), dataIndex: "open_at_end" },
          ]}
        />
        <Chart option={bars} label={barsLabel} height={220} />
      </div>
      <Typography.Title level={2}>
        <FormattedMessage id="quality.report.audits" />
      </Typography.Title>
      <Table<MonthlyReport["audits"][number]>
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={report.audits}
        locale={{ emptyText: t("shell.empty") }}
        columns={[
          { title: t("quality.audits.plannedOn"), dataIndex: "planned_on" },
          { title: t("quality.audits.auditTitle"), dataIndex: "title" },
          { title: t("quality.docs.process"), dataIndex: "process", render: (value: string | null) => value ?? "—" },
          { title: t("quality.field.office"), dataIndex: "office", render: (value: string | null) => value ?? "—" },
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
      <Typography.Paragraph style={{ marginTop: 8 }}>
        {t("quality.report.findings", {
          list:
            Object.entries(report.findings)
              .map(([severity, count]) => `${known(intl, `quality.severity.${severity}`, severity)} ${count}`)
              .join(listSeparator(intl.locale)) || "—",
        })}
      </Typography.Paragraph>
    </>
  );
}

function ReportTrend({ line }: { line: Line }) {
  const intl = useIntl();
  const t = (id: string, values?: Record<string, string | number>) => intl.formatMessage({ id }, values);
  const measure = measureOf(line.target, [line, ...line.series]);
  const option = useMemo(
    () => trendOption(line.series, line.target, measure, { value: line.code, target: t("quality.objectives.target") }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [line, measure, intl.locale],
  );
  const summary = trendSummary(line.series, measure, intl.locale);
  return (
    <Card size="small" title={<Typography.Title level={3} style={{ fontSize: 13, margin: 0, whiteSpace: "normal" }}>{line.title}</Typography.Title>}>
      <Chart
        option={option}
        height={150}
        label={t("quality.chart.trend", { ...summary, title: line.title, target: formatFigure(line.target, measure, intl.locale) })}
      />
    </Card>
  );
}
