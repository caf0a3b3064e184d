import { Button, Card, Descriptions, Input, Space, Table, Tag, Tooltip, Typography } from "antd";
import { useState } from "react";
import { FormattedMessage, useIntl } from "react-intl";
import { Link, useParams } from "react-router-dom";

import { DeadlineTag } from "../../common/DeadlineTag";
import { Loading } from "../../common/Loading";
import { ProblemAlert } from "../../common/ProblemAlert";
import {
  useCommitDraw,
  usePublishRandomResults,
  useRandomPlan,
  useRevealDraw,
  type RandomDraw,
  type RandomResult as Result,
} from "../inspector/api";
import { useText } from "../inspector/forms";
import { latestDrawn, nextStep, selectionOf, type Selected } from "./draws";
import { RandomResult } from "./RandomResult";

const hash = (value: string | null | undefined) =>
  value ? (
    <Typography.Text code copyable style={{ fontSize: 12, wordBreak: "break-all" }}>
      {value}
    </Typography.Text>
  ) : null;

/** A plan: its draws (commitment first, the seed once revealed), the selection, the results. */
export function RandomPlanPage() {
  const { planId = "" } = useParams();
  const intl = useIntl();
  const t = useText();
  const plan = useRandomPlan(planId);
  const commit = useCommitDraw(planId);
  const reveal = useRevealDraw(planId);
  const publish = usePublishRandomResults(planId);
  const [reason, setReason] = useState("");

  if (plan.isPending) return <Loading />;
  if (!plan.data) return <ProblemAlert error={plan.error} />;
  const { draws, results } = plan.data;
  const step = nextStep(draws);
  const current = latestDrawn(draws);
  const recorded = new Set(results.filter((r) => r.number === current?.number).map((r) => r.credit_code));
  const waiting = results.some((r) => !r.published_at);
  const when = (at: string | null | undefined) => (at ? new Date(at).toLocaleString(intl.locale) : "—");

  return (
    <Space orientation="vertical" style={{ width: "100%" }} size="middle">
      <Link to="/office/random-inspections">{t("office.random.back")}</Link>
      <Typography.Title level={1} style={{ fontSize: 20, margin: 0 }}>
        {plan.data.title}
      </Typography.Title>
      <Descriptions size="small" column={1}>
        <Descriptions.Item label={t("office.random.createdAt")}>
          {when(plan.data.created_at)} · {plan.data.created_by}
        </Descriptions.Item>
        <Descriptions.Item label={t("office.random.pool")}>{String(plan.data.rules.pool ?? "")}</Descriptions.Item>
        <Descriptions.Item label={t("office.random.rulesHash")}>{hash(plan.data.rules_hash)}</Descriptions.Item>
      </Descriptions>
      <Card size="small">
        <Space wrap align="end">
          {step.commit && step.needsReason && (
            <Input
              style={{ width: 320 }}
              aria-label={t("office.random.reason")}
              placeholder={t("office.random.reason")}
              value={reason}
              onChange={(event) => setReason(event.target.value)}
            />
          )}
          {step.commit && (
            <Button
              type="primary"
              data-testid="draw-commit"
              disabled={step.needsReason && !reason.trim()}
              loading={commit.isPending}
              onClick={() => commit.mutate(step.needsReason ? reason.trim() : null, { onSuccess: () => setReason("") })}
            >
              {t("office.random.commit")}
            </Button>
          )}
          {step.reveal !== null && (
            <Button
              type="primary"
              data-testid="draw-reveal"
              loading={reveal.isPending}
              onClick={() => step.reveal !== null && reveal.mutate(step.reveal)}
            >
              {t("office.random.reveal", { number: step.reveal })}
            </Button>
          )}
        </Space>
        <ProblemAlert error={commit.error ?? reveal.error} />
      </Card>

      <Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>
        <FormattedMessage id="office.random.drawsTitle" />
      </Typography.Title>
      <Table<RandomDraw>
        rowKey="number"
        size="small"
        dataSource={draws}
        pagination={false}
        locale={{ emptyText: t("office.random.notDrawn") }}
        data-testid="random-draws"
        columns={[
          { title: t("office.random.number"), dataIndex: "number" },
          {
            title: t("office.random.status"),
            dataIndex: "status",
            render: (status: RandomDraw["status"]) => (
              <Tag color={status === "drawn" ? "green" : "blue"}>{t(`office.status.${status}`)}</Tag>
            ),
          },
          { title: t("office.random.commitment"), dataIndex: "commitment", render: hash },
          { title: t("office.random.snapshotHash"), dataIndex: "snapshot_hash", responsive: ["lg"], render: hash },
          {
            title: t("office.random.seed"),
            dataIndex: "seed",
            render: (seed: string | null) => (
              <span data-testid="draw-seed">{seed ? hash(seed) : t("office.random.seedSecret")}</span>
            ),
          },
          { title: t("office.random.reason"), dataIndex: "reason", render: (value: string | null) => value ?? "—" },
          {
            title: t("office.random.committedBy"),
            key: "by",
            responsive: ["md"],
            render: (_, row) => `${row.committed_by} · ${when(row.committed_at)}`,
          },
        ]}
      />
      {draws.length > 0 && (
        <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
          {t("office.random.verify", { commitment: draws.at(-1)?.commitment ?? "" })}
        </Typography.Paragraph>
      )}

      {current && (
        <>
          <Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>
            <FormattedMessage id="office.random.selection" values={{ number: current.number }} />
          </Typography.Title>
          <Table<Selected>
            rowKey="credit_code"
            size="small"
            dataSource={selectionOf(current)}
            pagination={{ pageSize: 50, hideOnSinglePage: true }}
            locale={{ emptyText: t("shell.empty") }}
            data-testid="random-selection"
            columns={[
              {
                title: t("office.random.household"),
                dataIndex: "credit_code",
                render: (code: string) => <Link to={`/office/households/${code}`}>{code}</Link>,
              },
              { title: t("office.random.riskClass"), dataIndex: "risk_class", render: (value: string) => <Tag>{value}</Tag> },
              { title: t("office.random.inspectors"), dataIndex: "inspectors", render: (names: string[]) => names.join("、") },
              {
                title: t("office.random.result"),
                key: "result",
                render: (_, row) =>
                  recorded.has(row.credit_code) ? (
                    t(`office.outcome.${results.find((r) => r.number === current.number && r.credit_code === row.credit_code)?.outcome}`)
                  ) : (
                    <RandomResult planId={planId} creditCode={row.credit_code} />
                  ),
              },
            ]}
          />
        </>
      )}

      <Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>
        <FormattedMessage id="office.random.results" />
      </Typography.Title>
      <Table<Result>
        rowKey={(row) => `${row.number}-${row.credit_code}`}
        size="small"
        dataSource={results}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        locale={{ emptyText: t("shell.empty") }}
        data-testid="random-results"
        columns={[
          { title: t("office.random.number"), dataIndex: "number" },
          { title: t("office.random.household"), dataIndex: "credit_code" },
          { title: t("office.random.outcome"), dataIndex: "outcome", render: (value: string) => t(`office.outcome.${value}`) },
          {
            title: t("office.random.publishBy"),
            key: "due",
            render: (_, row) =>
              row.published_at ? (
                `${t("office.random.publishedAt")} ${when(row.published_at)}`
              ) : (
                <Tooltip title={row.publish_by.basis}>
                  <Space size={4}>
                    <DeadlineTag due={row.publish_by.due} />
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {row.publish_by.rule_code}
                    </Typography.Text>
                  </Space>
                </Tooltip>
              ),
          },
        ]}
      />
      <Space>
        <Button
          data-testid="results-publish"
          disabled={!waiting}
          loading={publish.isPending}
          onClick={() => publish.mutate()}
        >
          {t("office.random.publish")}
        </Button>
        {publish.data && t("office.random.published", { count: publish.data.results.length })}
      </Space>
      <ProblemAlert error={publish.error} />
    </Space>
  );
}
