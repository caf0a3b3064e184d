import { Alert, Button, Form, Input, Segmented, Select, Space, Table, Tag, Typography } from "antd";
import { useState } from "react";
import { useIntl } from "react-intl";
import { Link, useSearchParams } from "react-router-dom";

import { DeadlineTag } from "../../common/DeadlineTag";
import { MoreRows } from "../../common/PagedList";
import { bureauToday } from "../../common/deadline";
import { ProblemAlert } from "../../common/ProblemAlert";
import { useCaseSources, useSourceStep, type CaseSource } from "./api";
import { DEPARTMENTS, dueApplies, SOURCE_STATUSES, sourceFilters, sourceQuery, sourceSearch, type Department, type SourceFilters } from "./rules";
import { StepModal } from "./StepModal";
import { PageTitle } from "./Titles";

const STATUS_COLOURS: Record<string, string> = { received: "blue", filed: "purple", declined: "default" };

/** The section's case sources, the soonest verification deadline first, a page at a time; several may be declined at once. */
export function CaseSourcesPage() {
  const intl = useIntl();
  const t = (id: string, values?: Record<string, string | number>) => intl.formatMessage({ id }, values);
  // The filters are in the address, so going to a case source and back keeps your place.
  const [search, setSearch] = useSearchParams();
  const filters = sourceFilters(search);
  const [selected, setSelected] = useState<string[]>([]);
  const change = (next: Partial<SourceFilters>) => {
    setSelected([]);
    setSearch(sourceSearch({ ...filters, ...next }), { replace: true });
  };
  const sources = useCaseSources(sourceQuery(filters, bureauToday()));
  const rows = sources.data ?? [];
  const [declining, setDeclining] = useState(false);
  const [outcome, setOutcome] = useState<{ done: number; failed: string[] } | null>(null);
  const step = useSourceStep();

  const declineAll = async ({ reasons }: { reasons: string }) => {
    const given = reasons.split("\n").map((line) => line.trim()).filter(Boolean);
    let done = 0;
    const failed: string[] = [];
    for (const id of selected) {
      try {
        await step.mutateAsync({ id, asked: { step: "decline", body: { reasons: given } } });
        done += 1;
      } catch (problem) {
        failed.push(`${id.slice(0, 8)}: ${problem instanceof Error ? problem.message : String(problem)}`);
      }
    }
    setSelected([]);
    setOutcome({ done, failed });
  };

  return (
    <Space orientation="vertical" style={{ width: "100%" }}>
      <Space style={{ justifyContent: "space-between", width: "100%" }} wrap>
        <PageTitle>{t("enforcement.sources.title")}</PageTitle>
        <Link to="/enforcement/case-sources/new">
          <Button type="primary">{t("enforcement.menu.new")}</Button>
        </Link>
      </Space>
      <Space wrap>
        <Segmented
          aria-label={t("enforcement.sources.filter.status")}
          value={filters.status}
          onChange={(value) => {
            const status = value as SourceFilters["status"];
            change({ status, due: dueApplies(status) ? filters.due : null });
          }}
          options={[...SOURCE_STATUSES, "all" as const].map((value) => ({ value, label: t(`enforcement.sourceStatus.${value}`) }))}
        />
        <Select
          aria-label={t("enforcement.sources.filter.department")}
          placeholder={t("enforcement.sources.filter.department")}
          allowClear
          style={{ width: 180 }}
          value={filters.department ?? undefined}
          onChange={(value?: Department) => change({ department: value ?? null })}
          options={DEPARTMENTS.map((value) => ({ value, label: t(`enforcement.department.${value}`) }))}
        />
        <Select
          aria-label={t("enforcement.sources.filter.due")}
          placeholder={t("enforcement.sources.filter.due")}
          allowClear
          disabled={!dueApplies(filters.status)}
          style={{ width: 180 }}
          value={filters.due ?? undefined}
          onChange={(value?: "overdue" | "soon") => change({ due: value ?? null })}
          options={(["overdue", "soon"] as const).map((value) => ({ value, label: t(`enforcement.sources.due.${value}`) }))}
        />
        <Input.Search
          aria-label={t("enforcement.sources.filter.q")}
          placeholder={t("enforcement.sources.filter.q")}
          allowClear
          defaultValue={filters.q}
          key={filters.q}
          onSearch={(q) => change({ q })}
          style={{ width: 280 }}
        />
      </Space>
      <ProblemAlert error={sources.error} />
      {outcome && (
        <Alert
          type={outcome.failed.length ? "warning" : "success"}
          showIcon
          closable
          onClose={() => setOutcome(null)}
          title={t("enforcement.sources.bulk.outcome", { done: outcome.done, failed: outcome.failed.length })}
          description={outcome.failed.length ? outcome.failed.join("\n") : undefined}
          style={{ whiteSpace: "pre-line" }}
        />
      )}
      {selected.length > 0 && (
        <Space>
          <Typography.Text>{t("enforcement.sources.bulk.selected", { count: selected.length })}</Typography.Text>
          <Button danger onClick={() => setDeclining(true)}>
            {t("enforcement.sources.bulk.decline")}
          </Button>
        </Space>
      )}
      <Table<CaseSource>
        rowKey="id"
        size="small"
        loading={sources.isPending}
        dataSource={rows}
        pagination={false}
        locale={{ emptyText: t("shell.empty") }}
        rowSelection={{
          selectedRowKeys: selected,
          onChange: (keys) => setSelected(keys.map(String)),
          getCheckboxProps: (row) => ({
            disabled: row.status !== "received",
            "aria-label": t("enforcement.sources.select", { allegation: row.allegation.slice(0, 40) }),
          }),
        }}
        columns={[
          {
            title: t("enforcement.field.allegation"),
            dataIndex: "allegation",
            ellipsis: true,
            render: (allegation: string, row) => (
              <Link to={`/enforcement/case-sources/${row.id}`} state={{ back: search.toString() }}>
                {allegation}
              </Link>
            ),
          },
          {
            title: t("enforcement.field.department"),
            dataIndex: "source_department",
            width: 120,
            render: (value: string) => t(`enforcement.department.${value}`),
          },
          { title: t("enforcement.field.creditCode"), dataIndex: "credit_code", width: 190 },
          { title: t("enforcement.field.office"), dataIndex: "office_id", width: 110 },
          {
            title: t("enforcement.field.receivedAt"),
            dataIndex: "received_at",
            width: 110,
            render: (at: string) => new Date(at).toLocaleDateString(intl.locale, { timeZone: "Asia/Shanghai" }),
          },
          {
            title: t("enforcement.field.status"),
            dataIndex: "status",
            width: 90,
            render: (status: string) => <Tag color={STATUS_COLOURS[status]}>{t(`enforcement.sourceStatus.${status}`)}</Tag>,
          },
          {
            title: t("enforcement.field.verifyDue"),
            dataIndex: "verify_due",
            width: 220,
            render: (due: string, row) => (
              <Space size={4} wrap data-testid="verify-due">
                {row.status === "received" ? <DeadlineTag due={due} /> : <Typography.Text>{due}</Typography.Text>}
                {row.verify_extension && <Tag>{t("enforcement.sources.extended")}</Tag>}
                {row.verify_testing.length > 0 && <Tag>{t("enforcement.sources.testing")}</Tag>}
              </Space>
            ),
          },
        ]}
      />
      <MoreRows list={sources} />
      <StepModal<{ reasons: string }>
        open={declining}
        title={t("enforcement.sources.bulk.declineTitle", { count: selected.length })}
        okText={t("enforcement.source.decline")}
        danger
        onClose={() => setDeclining(false)}
        onSubmit={declineAll}
      >
        <Form.Item label={t("enforcement.field.declineReasons")} name="reasons" rules={[{ required: true, whitespace: true, message: t("enforcement.rule.required") }]} extra={t("enforcement.field.onePerLine")}>
          <Input.TextArea rows={3} />
        </Form.Item>
      </StepModal>
    </Space>
  );
}
