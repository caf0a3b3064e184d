import { Alert, Button, Card, Progress, Space, Table, Tag, Typography } from "antd";
import { useState } from "react";
import { FormattedMessage, useIntl } from "react-intl";
import { Link } from "react-router-dom";

import { api } from "../../api/client";
import { unwrap } from "../../api/problems";
import type { components } from "../../api/schema";
import { ProblemAlert } from "../../common/ProblemAlert";
import { batches, parseRegister, REGISTER_COLUMNS, type ParsedRegister } from "./register";

type Result = components["schemas"]["licensing__BatchResult"];
const OUTCOME_COLOURS = { created: "green", existing: "blue", refused: "red" } as const;

/** Bulk onboarding: a register of businesses uploaded in batches, with its progress. */
export function RegisterPage() {
  const intl = useIntl();
  const t = (id: string, values?: Record<string, string | number>) => intl.formatMessage({ id }, values);
  const [register, setRegister] = useState<ParsedRegister | null>(null);
  const [sent, setSent] = useState(0);
  const [results, setResults] = useState<Result[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const choose = async (file: File | undefined) => {
    setResults([]);
    setSent(0);
    setError(null);
    setRegister(file ? await parseRegister(await file.text()) : null);
  };

  const upload = async () => {
    if (!register) return;
    setBusy(true);
    setError(null);
    try {
      // One batch after another: the bar moves as each is answered, and a re-sent register
      // only finds what is already there.
      for (const batch of batches(register.rows)) {
        const answer = unwrap(await api.POST("/api/licensing/applications:batch", { body: { applications: batch } }));
        setResults((earlier) => [...earlier, ...answer.results]);
        setSent((count) => count + batch.length);
      }
    } catch (problem) {
      setError(problem);
    } finally {
      setBusy(false);
    }
  };

  const total = register?.rows.length ?? 0;
  return (
    <Card title={<Typography.Title level={1} style={{ fontSize: 20, margin: 0 }}>{t("licensing.register.title")}</Typography.Title>}>
      <Typography.Paragraph>
        <FormattedMessage id="licensing.register.intro" values={{ columns: REGISTER_COLUMNS.join(", ") }} />
      </Typography.Paragraph>
      <Space direction="vertical" style={{ width: "100%" }}>
        <label htmlFor="register-file">
          <FormattedMessage id="licensing.register.file" />
        </label>
        <input id="register-file" type="file" accept=".csv,text/csv" onChange={(event) => choose(event.target.files?.[0])} />
        {register && (
          <Alert
            type={register.refused.length ? "warning" : "info"}
            showIcon
            title={t("licensing.register.parsed", { rows: total, refused: register.refused.length })}
            description={register.refused.map((line) => t("licensing.register.line", { line: line.line, reason: line.reason })).join("；")}
          />
        )}
        <Button type="primary" disabled={!total || busy} loading={busy} onClick={upload}>
          <FormattedMessage id="licensing.register.upload" />
        </Button>
        {(busy || sent > 0) && (
          <Progress
            percent={total ? Math.round((sent / total) * 100) : 0}
            aria-label={t("licensing.register.progress", { sent, total })}
            format={() => `${sent} / ${total}`}
          />
        )}
        <ProblemAlert error={error} />
        {results.length > 0 && (
          <Table<Result>
            rowKey={(row) => row.client_id ?? ""}
            dataSource={results}
            size="small"
            pagination={{ pageSize: 50, hideOnSinglePage: true }}
            columns={[
              {
                title: t("licensing.register.outcome"),
                dataIndex: "outcome",
                render: (outcome: Result["outcome"]) => (
                  <Tag color={OUTCOME_COLOURS[outcome]}>{t(`licensing.register.outcome.${outcome}`)}</Tag>
                ),
              },
              {
                title: t("licensing.field.name"),
                render: (_, row) =>
                  row.application ? <Link to={`/licensing/applications/${row.application.id}`}>{row.application.name}</Link> : null,
              },
              { title: t("licensing.register.problem"), render: (_, row) => String(row.problem?.detail ?? "") },
            ]}
          />
        )}
      </Space>
    </Card>
  );
}
