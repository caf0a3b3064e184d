import { Alert, AutoComplete, Button, Input, Select, Space, Table, Tag, Typography } from "antd";
import { useMemo, useState } from "react";
import { Link, useSearchParams } from "react-router-dom";

import { useMe } from "../../auth/me";
import { useNotices } from "../../notifications/notices";
import { DeadlineTag } from "../../common/DeadlineTag";
import { MoreRows } from "../../common/PagedList";
import { ProblemAlert } from "../../common/ProblemAlert";
import { useBulkStep, useStations, useTickets, type BulkOutcome } from "./api";
import {
  BULK_STEPS,
  bulkSplit,
  filtersFrom,
  KINDS,
  nextDeadline,
  parseUnit,
  searchOf,
  shortId,
  STATUSES,
  unitKey,
  type BulkStep,
  type Ticket,
  type TicketFilters,
} from "./rules";
import { StepDialog } from "./StepDialog";
import { useDateTime, useText } from "./text";
import { useOwnerName, useUnitName } from "./UnitName";

/** The unit's tickets with their clocks; the filters live in the address, bulk steps on the selection. */
export function TicketsPage({ base }: { base: string }) {
  const t = useText();
  const at = useDateTime();
  const unitName = useUnitName();
  const ownerName = useOwnerName();
  const me = useMe();
  const [search, setSearch] = useSearchParams();
  const filters = filtersFrom(search);
  const tickets = useTickets(filters);
  const stations = useStations();
  const rows = tickets.data ?? [];
  const [selected, setSelected] = useState<string[]>([]);
  const [asking, setAsking] = useState<BulkStep | null>(null);
  const [outcome, setOutcome] = useState<{ step: BulkStep; result: BulkOutcome; skipped: number } | null>(null);
  const bulk = useBulkStep();

  // A ticket routed, accepted or closed anywhere shows here at once.
  useNotices((notice) => {
    if (notice.type.startsWith("complaints.")) void tickets.refetch();
  });

  const filter = (next: TicketFilters) => {
    setSelected([]);
    setSearch(searchOf(next));
  };
  const [unitText, setUnitText] = useState(filters.unit ?? "");
  const unitOptions = useMemo(() => {
    const keys = new Set<string>(["bureau:intake"]);
    for (const station of stations.data ?? []) {
      keys.add(`station:${station.id}`);
      keys.add(`office:${station.office}`);
    }
    for (const row of rows) keys.add(unitKey(row.unit));
    return [...keys].sort().map((key) => ({ value: key, label: `${unitName(parseUnit(key)!)} (${key})` }));
  }, [stations.data, rows, unitName]);

  const chosen = rows.filter((row) => selected.includes(row.id));
  const runBulk = async (step: BulkStep, handover?: { to: string; reason: string }) => {
    const { apply, skip } = bulkSplit(step, chosen);
    const result = await bulk.mutateAsync({ step, ids: apply.map((row) => row.id), handover });
    setOutcome({ step, result, skipped: skip.length });
    setSelected(result.failed.map((failure) => failure.id));
  };

  return (
    <Space direction="vertical" style={{ width: "100%" }}>
      <Space style={{ justifyContent: "space-between", width: "100%" }} wrap>
        <Typography.Title level={1} style={{ fontSize: 20, margin: 0 }}>
          {t("complaints.tickets.title")}
        </Typography.Title>
        <Space>
          <Button onClick={() => void tickets.refetch()}>{t("shell.refresh")}</Button>
          <Link to={`${base}/intake`}>
            <Button type="primary">{t("complaints.menu.intake")}</Button>
          </Link>
        </Space>
      </Space>
      <Space wrap>
        <AutoComplete
          aria-label={t("complaints.filter.unit")}
          placeholder={t("complaints.filter.unitAll")}
          style={{ width: 300 }}
          options={unitOptions}
          value={unitText}
          allowClear
          onChange={(value?: string) => {
            setUnitText(value ?? "");
            if (!value) filter({ ...filters, unit: undefined });
          }}
          onSelect={(value?: string) => filter({ ...filters, unit: value })}
          onBlur={() => {
            const unit = parseUnit(unitText);
            if (unit && unitKey(unit) !== filters.unit) filter({ ...filters, unit: unitKey(unit) });
          }}
        />
        <Select
          aria-label={t("complaints.filter.status")}
          placeholder={t("complaints.filter.statusAll")}
          style={{ width: 180 }}
          allowClear
          value={filters.status}
          onChange={(status) => filter({ ...filters, status })}
          options={STATUSES.map((value) => ({ value, label: t(`complaints.status.${value}`) }))}
        />
        <Select
          aria-label={t("complaints.filter.kind")}
          placeholder={t("complaints.filter.kindAll")}
          style={{ width: 150 }}
          allowClear
          value={filters.kind}
          onChange={(kind) => filter({ ...filters, kind })}
          options={KINDS.map((value) => ({ value, label: t(`complaints.kind.${value}`) }))}
        />
        <Input.Search
          aria-label={t("complaints.filter.creditCode")}
          placeholder={t("complaints.filter.creditCode")}
          style={{ width: 280 }}
          allowClear
          defaultValue={filters.credit_code}
          key={filters.credit_code ?? ""}
          onSearch={(code) => filter({ ...filters, credit_code: code.trim().toUpperCase() || undefined })}
        />
      </Space>
      <ProblemAlert error={tickets.error} />
      {selected.length > 0 && (
        <Space wrap role="group" aria-label={t("complaints.bulk.label")}>
          <Typography.Text>{t("complaints.bulk.selected", { count: selected.length })}</Typography.Text>
          {BULK_STEPS.map((step) => {
            const { apply } = bulkSplit(step, chosen);
            return (
              <Button
                key={step}
                disabled={apply.length === 0}
                loading={bulk.isPending && bulk.variables?.step === step}
                onClick={() => (step === "handover" ? setAsking(step) : void runBulk(step))}
              >
                {t(`complaints.bulk.${step}`, { count: apply.length })}
              </Button>
            );
          })}
        </Space>
      )}
      {outcome && (
        <Alert
          type={outcome.result.failed.length ? "warning" : "success"}
          showIcon
          closable
          onClose={() => setOutcome(null)}
          title={t("complaints.bulk.outcome", {
            step: t(`complaints.step.${outcome.step}`),
            done: outcome.result.done.length,
            failed: outcome.result.failed.length,
            skipped: outcome.skipped,
          })}
          description={
            outcome.result.failed.length > 0 && (
              <ul style={{ margin: 0, paddingLeft: 20 }}>
                {outcome.result.failed.map((failure) => (
                  <li key={failure.id}>
                    <Link to={`${base}/tickets/${failure.id}`}>{shortId(failure.id)}</Link>
                    {`: ${failure.error instanceof Error ? failure.error.message : String(failure.error)}`}
                  </li>
                ))}
              </ul>
            )
          }
        />
      )}
      <Table<Ticket>
        rowKey="id"
        size="small"
        loading={tickets.isPending}
        dataSource={rows}
        pagination={false}
        locale={{ emptyText: t("shell.empty") }}
        rowSelection={{
          selectedRowKeys: selected,
          onChange: (keys) => setSelected(keys.map(String)),
          getCheckboxProps: (row) => ({ "aria-label": t("complaints.bulk.select", { id: shortId(row.id) }) }),
          columnTitle: undefined,
        }}
        columns={[
          {
            title: t("complaints.field.ticket"),
            dataIndex: "id",
            render: (id: string) => <Link to={`${base}/tickets/${id}`}>{shortId(id)}</Link>,
          },
          {
            title: t("complaints.field.kind"),
            dataIndex: "kind",
            render: (kind: string) => <span style={{ whiteSpace: "nowrap" }}>{t(`complaints.kind.${kind}`)}</span>,
          },
          {
            title: t("complaints.field.business"),
            key: "business",
            render: (_, row) => (
              <span>
                {row.business.name ?? ""}
                {row.business.credit_code && (
                  <Typography.Text type="secondary" style={{ display: "block", fontSize: 12 }}>
                    {row.business.credit_code}
                  </Typography.Text>
                )}
              </span>
            ),
          },
          { title: t("complaints.field.unit"), dataIndex: "unit", render: (unit: Ticket["unit"]) => unitName(unit) },
          { title: t("complaints.field.owner"), dataIndex: "owner", render: (owner: string, row) => ownerName(owner, row.unit) },
          {
            title: t("complaints.field.status"),
            dataIndex: "status",
            render: (status: string, row) => (
              <Space size={4} wrap>
                <Tag>{t(`complaints.status.${status}`)}</Tag>
                {row.reopen_requested && <Tag color="orange">{t("complaints.ticket.reopenAsked")}</Tag>}
              </Space>
            ),
          },
          {
            title: t("complaints.field.receivedAt"),
            dataIndex: "received_at",
            render: (value: string) => at(value),
          },
          {
            title: t("complaints.field.clock"),
            key: "clock",
            sorter: (a, b) => (nextDeadline(a)?.due ?? "9").localeCompare(nextDeadline(b)?.due ?? "9"),
            render: (_, row) => {
              const deadline = nextDeadline(row);
              if (!deadline) return null;
              return (
                <Space size={4} wrap>
                  <DeadlineTag due={deadline.due} />
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {t(`complaints.clock.${deadline.rule}`)}
                  </Typography.Text>
                </Space>
              );
            },
          },
        ]}
      />
      <MoreRows list={tickets} />
      <StepDialog
        step={asking === "handover" ? "handover" : null}
        title={t("complaints.bulk.handover", { count: bulkSplit("handover", chosen).apply.length })}
        initial={{ to: me.data?.sub }}
        onCancel={() => setAsking(null)}
        onSubmit={async (call) => {
          if (call.step !== "handover") return;
          setAsking(null);
          await runBulk("handover", call.body);
        }}
      />
    </Space>
  );
}
