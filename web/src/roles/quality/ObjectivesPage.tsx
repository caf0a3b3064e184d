import { Alert, Button, Card, Form, Input, Space, Tag, Typography } from "antd";
import { useMemo } from "react";
import { FormattedMessage, useIntl } from "react-intl";
import { useSearchParams } from "react-router-dom";

import { Loading } from "../../common/Loading";
import { ProblemAlert } from "../../common/ProblemAlert";
import { useObjectives, useRecomputed, type Objective } from "./api";
import { Chart } from "./Chart";
import { trendOption } from "./charts";
import { disagreements, formatFigure, isMonth, measureOf, trendSummary } from "./rules";
import { GREEN, RED } from "./colours";

/** The bureau's (or an office's) quality objectives for a month, each with its 12-month trend. */
export function ObjectivesPage() {
  const intl = useIntl();
  const t = (id: string, values?: Record<string, string | number>) => intl.formatMessage({ id }, values);
  const [search, setSearch] = useSearchParams();
  const period = isMonth(search.get("period")) ? (search.get("period") as string) : undefined;
  const office = search.get("office") || undefined;
  const checking = search.get("check") === "1";
  const objectives = useObjectives(period, office);
  const recomputed = useRecomputed(period, office, checking);
  const differ = recomputed.data && objectives.data ? disagreements(objectives.data, recomputed.data) : null;

  const change = (name: string, value: string | undefined) => {
    const next = new URLSearchParams(search);
    if (value) next.set(name, value);
    else next.delete(name);
    setSearch(next);
  };

  const breached = (objectives.data ?? []).filter((objective) => objective.status === "breached").length;
  return (
    <Space direction="vertical" style={{ width: "100%" }}>
      <Typography.Title level={1} style={{ fontSize: 20, margin: 0 }}>
        <FormattedMessage id="quality.objectives.title" />
      </Typography.Title>
      <Form layout="inline" className="no-print">
        <Form.Item label={t("quality.field.period")} htmlFor="objectives-period">
          <Input
            id="objectives-period"
            type="month"
            value={period ?? objectives.data?.[0]?.period ?? ""}
            onChange={(event) => change("period", isMonth(event.target.value) ? event.target.value : undefined)}
          />
        </Form.Item>
        <Form.Item label={t("quality.field.office")} htmlFor="objectives-office">
          <Input.Search
            id="objectives-office"
            allowClear
            defaultValue={office}
            placeholder={t("quality.field.officeAll")}
            enterButton={t("quality.apply")}
            onSearch={(value) => change("office", value.trim() || undefined)}
          />
        </Form.Item>
        <Form.Item>
          <Button onClick={() => change("check", checking ? undefined : "1")}>
            <FormattedMessage id={checking ? "quality.objectives.checkHide" : "quality.objectives.check"} />
          </Button>
        </Form.Item>
      </Form>
      <ProblemAlert error={objectives.error ?? recomputed.error} />
      {checking && differ !== null && (
        <Alert
          role="status"
          type={differ.length ? "error" : "success"}
          showIcon
          title={differ.length ? t("quality.objectives.differ", { codes: differ.join(", ") }) : t("quality.objectives.agree")}
        />
      )}
      {objectives.isPending ? (
        <Loading />
      ) : (
        <>
          <Typography.Paragraph data-testid="objectives-summary">
            <FormattedMessage
              id="quality.objectives.summary"
              values={{ total: objectives.data?.length ?? 0, breached, period: objectives.data?.[0]?.period ?? period ?? "" }}
            />
          </Typography.Paragraph>
          <div className="qms-grid">
            {(objectives.data ?? []).map((objective) => (
              <ObjectiveCard key={objective.code} objective={objective} />
            ))}
          </div>
        </>
      )}
    </Space>
  );
}

function ObjectiveCard({ objective }: { objective: Objective }) {
  const intl = useIntl();
  const t = (id: string, values?: Record<string, string | number>) => intl.formatMessage({ id }, values);
  const measure = measureOf(objective.target, [objective, ...objective.trend]);
  const figure = (value: number | null) => formatFigure(value, measure, intl.locale);
  const option = useMemo(
    () => trendOption(objective.trend, objective.target, measure, { value: objective.code, target: t("quality.objectives.target") }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [objective, measure, intl.locale],
  );
  const summary = trendSummary(objective.trend, measure, intl.locale);
  return (
    <Card
      size="small"
      title={
        <Typography.Title level={2} style={{ fontSize: 14, margin: 0, whiteSpace: "normal" }}>
          {objective.title}
        </Typography.Title>
      }
      extra={
        <Tag color={objective.status === "met" ? GREEN : RED} data-testid={`objective-status-${objective.code}`}>
          {t(`quality.objectiveStatus.${objective.status}`)}
        </Tag>
      }
    >
      <Space size="large" wrap>
        <span>
          <Typography.Text type="secondary">{t("quality.objectives.value")} </Typography.Text>
          <Typography.Text strong style={{ fontSize: 18 }}>
            {figure(objective.value)}
          </Typography.Text>
        </span>
        <span>
          <Typography.Text type="secondary">{t("quality.objectives.target")} </Typography.Text>
          {figure(objective.target)}
        </span>
        <Typography.Text type="secondary">
          {t("quality.objectives.fraction", { numerator: objective.numerator, denominator: objective.denominator })}
        </Typography.Text>
      </Space>
      <Chart
        option={option}
        label={t("quality.chart.trend", { ...summary, title: objective.title, target: figure(objective.target) })}
      />
    </Card>
  );
}
