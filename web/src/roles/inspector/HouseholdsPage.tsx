import { App, Alert, Button, Input, Segmented, Space, Table, Tag, Typography } from "antd";
import { useQueryClient } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { FormattedMessage } from "react-intl";
import { Link, useNavigate, useSearchParams } from "react-router-dom";

import { useMe } from "../../auth/me";
import { useNotices } from "../../notifications/notices";
import { bureauToday } from "../../common/deadline";
import { DeadlineTag } from "../../common/DeadlineTag";
import { DistrictMap, type MapArea, type MapPoint } from "../../common/DistrictMap";
import { addressPoint, householdTone } from "../../common/districtMap";
import { ProblemAlert } from "../../common/ProblemAlert";
import { useClaim, useGrids, useHouseholds, type Household, type Outcome } from "./api";
import { useText } from "./forms";
import { addressText, claimsPressing, filtered, HOUSEHOLD_FILTERS, type HouseholdFilter } from "./rules";

export const STATUS_COLOURS: Record<string, string> = {
  assigned: "blue",
  claimed: "green",
  unrouted: "purple",
  cancelled: "default",
};

/** Households on the map: those with a point, coloured by where they stand. */
export function mapPoints(households: Household[], today: string): MapPoint[] {
  return households.flatMap((household) => {
    const point = addressPoint(household.address);
    return point
      ? [{ id: household.credit_code, label: household.name ?? household.credit_code, ...point, tone: householdTone(household, today) }]
      : [];
  });
}

/** What became of a claim or an assignment of several households: each failure with its reason. */
export function OutcomeAlert({ outcome, doneKey }: { outcome: Outcome | undefined; doneKey: string }) {
  const t = useText();
  if (!outcome) return null;
  return (
    <Space orientation="vertical" style={{ width: "100%" }}>
      {outcome.done.length > 0 && (
        <Alert type="success" showIcon role="status" title={t(doneKey, { count: outcome.done.length })} />
      )}
      {outcome.failed.map(({ creditCode, error }) => (
        <Alert
          key={creditCode}
          type="error"
          showIcon
          role="alert"
          title={`${creditCode}: ${error instanceof Error ? error.message : String(error)}`}
        />
      ))}
    </Space>
  );
}

/** 我的监管户: the households of my grids (and of those I stand in for) as a list and a map;
 * claim them before their deadline, one by one or several at once. */
export function HouseholdsPage() {
  const t = useText();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const client = useQueryClient();
  const [search, setSearch] = useSearchParams();
  const filter: HouseholdFilter = HOUSEHOLD_FILTERS.find((value) => value === search.get("status")) ?? "all";
  const typed = search.get("q") ?? "";
  const me = useMe();
  const households = useHouseholds();
  const grids = useGrids();
  const claim = useClaim();
  const [selected, setSelected] = useState<string[]>([]);
  const today = bureauToday();

  // A household assigned to me (or to the officer I stand in for) shows up without a reload.
  useNotices((notice) => {
    if (notice.type.startsWith("supervision.household.assigned")) {
      void client.invalidateQueries({ queryKey: ["supervision", "households"] });
    }
  });

  const all = households.data ?? [];
  const rows = useMemo(() => filtered(all, filter, typed), [all, filter, typed]);
  const mine = useMemo(() => new Set(all.map((h) => h.grid_id)), [all]);
  const areas: MapArea[] = useMemo(
    () =>
      (grids.data ?? []).map((grid) => ({
        id: grid.id,
        name: grid.name,
        polygon: grid.polygon,
        emphasis: grid.owner === me.data?.sub || mine.has(grid.id),
      })),
    [grids.data, me.data, mine],
  );
  const points = useMemo(() => mapPoints(rows, today), [rows, today]);

  const keep = (changes: Record<string, string>) => {
    const next = new URLSearchParams(search);
    for (const [key, value] of Object.entries(changes)) {
      if (value && !(key === "status" && value === "all")) next.set(key, value);
      else next.delete(key);
    }
    setSearch(next, { replace: true });
  };

  const claimThese = async (codes: string[]) => {
    const outcome = await claim.mutateAsync(codes);
    setSelected((earlier) => earlier.filter((code) => !outcome.done.some((h) => h.credit_code === code)));
    if (outcome.done.length && !outcome.failed.length) message.success(t("inspector.claim.done", { count: outcome.done.length }));
  };

  const toClaim = all.filter((h) => h.status === "assigned").length;
  return (
    <Space orientation="vertical" style={{ width: "100%" }}>
      <Typography.Title level={1} style={{ fontSize: 20, margin: 0 }}>
        <FormattedMessage id="inspector.households.title" />
      </Typography.Title>
      <Typography.Text type="secondary" data-testid="household-summary">
        <FormattedMessage
          id="inspector.households.summary"
          values={{ total: all.length, toClaim, pressing: claimsPressing(all, today) }}
        />
      </Typography.Text>
      <Space wrap>
        <Segmented
          aria-label={t("inspector.households.filter")}
          value={filter}
          onChange={(value) => keep({ status: String(value) })}
          options={HOUSEHOLD_FILTERS.map((value) => ({ value, label: t(`inspector.filter.${value}`) }))}
        />
        <Input.Search
          allowClear
          aria-label={t("inspector.households.search")}
          placeholder={t("inspector.households.search")}
          defaultValue={typed}
          onSearch={(value) => keep({ q: value })}
          style={{ width: 260, maxWidth: "100%" }}
        />
      </Space>
      <ProblemAlert error={households.error ?? grids.error} />
      <OutcomeAlert outcome={claim.data?.failed.length ? claim.data : undefined} doneKey="inspector.claim.done" />
      <div className="split">
        <div style={{ minWidth: 0 }}>
          <Space style={{ marginBottom: 8, display: filter === "claimed" ? "none" : undefined }} wrap>
            <Button
              type="primary"
              disabled={selected.length === 0}
              loading={claim.isPending}
              onClick={() => void claimThese(selected)}
            >
              <FormattedMessage id="inspector.claim.selected" values={{ count: selected.length }} />
            </Button>
          </Space>
          <Table<Household>
            rowKey="credit_code"
            size="small"
            loading={households.isPending}
            dataSource={rows}
            pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
            locale={{ emptyText: t("shell.empty") }}
            rowSelection={
              filter === "claimed"
                ? undefined
                : {
                    selectedRowKeys: selected,
                    onChange: (keys) => setSelected(keys.map(String)),
                    getCheckboxProps: (row) => ({
                      disabled: row.status !== "assigned",
                      "aria-label": t("inspector.claim.choose", { name: row.name ?? row.credit_code }),
                    }),
                  }
            }
            columns={[
              {
                title: t("inspector.field.name"),
                dataIndex: "name",
                render: (name: string | null, row) => (
                  <Link to={`/inspector/households/${row.credit_code}`}>{name ?? row.credit_code}</Link>
                ),
              },
              {
                title: t("inspector.field.status"),
                dataIndex: "status",
                render: (status: string) => <Tag color={STATUS_COLOURS[status]}>{t(`inspector.status.${status}`)}</Tag>,
              },
              ...(filter === "claimed"
                ? []
                : [
                    {
                      title: t("inspector.field.claimDeadline"),
                      dataIndex: "claim_deadline",
                      render: (due: string | null, row: Household) => (row.status === "assigned" ? <DeadlineTag due={due} /> : null),
                    },
                  ]),
              {
                title: t("inspector.field.address"),
                dataIndex: "address",
                responsive: ["lg"],
                render: (address: unknown) => addressText(address),
              },
              {
                title: t("inspector.field.actions"),
                key: "actions",
                responsive: ["sm"],
                render: (_, row) =>
                  row.status === "assigned" ? (
                    <Button
                      size="small"
                      onClick={() => void claimThese([row.credit_code])}
                      aria-label={t("inspector.claim.one", { name: row.name ?? row.credit_code })}
                    >
                      <FormattedMessage id="inspector.claim.action" />
                    </Button>
                  ) : row.status === "claimed" ? (
                    <Link
                      to={`/inspector/households/${row.credit_code}/inspection`}
                      aria-label={t("inspector.plan.record", { name: row.name ?? row.credit_code })}
                    >
                      <FormattedMessage id="inspector.inspection.short" />
                    </Link>
                  ) : null,
              },
            ]}
          />
        </div>
        <div style={{ position: "sticky", top: 16, alignSelf: "start", minWidth: 0 }}>
          <DistrictMap
            label={t("inspector.households.map")}
            areas={areas}
            points={points}
            onSelect={(code) => navigate(`/inspector/households/${code}`)}
          />
        </div>
      </div>
    </Space>
  );
}
