import { Button, Input, Select, Space, Table, Typography } from "antd";
import { useEffect, useMemo, useState } from "react";
import { FormattedMessage } from "react-intl";
import { Link, useNavigate, useSearchParams } from "react-router-dom";

import { useMe } from "../../auth/me";
import { bureauToday } from "../../common/deadline";
import { DistrictMap } from "../../common/DistrictMap";
import { ProblemAlert } from "../../common/ProblemAlert";
import { useAssign, useGrids, useHouseholds, type Household } from "../inspector/api";
import { useText } from "../inspector/forms";
import { mapPoints, OutcomeAlert } from "../inspector/HouseholdsPage";
import { addressText, matchesSearch } from "../inspector/rules";

/** 待分配: the office's households no grid took (an address outside every grid and community),
 * given to a grid by hand, one or several at once. */
export function UnroutedPage() {
  const t = useText();
  const navigate = useNavigate();
  const me = useMe();
  const office = me.data?.office ?? null;
  // No notice tells a head of a household left unrouted: the queue is looked at every 30 s.
  const queue = useHouseholds("unrouted", 30_000);
  const grids = useGrids(office);
  const [search, setSearch] = useSearchParams();
  const typed = search.get("q") ?? "";
  const [grid, setGrid] = useState<string>();
  const [selected, setSelected] = useState<string[]>([]);
  const assign = useAssign(grid);
  const today = bureauToday();

  // An office of one grid needs no choice.
  useEffect(() => {
    if (!grid && grids.data?.length === 1) setGrid(grids.data[0]!.id);
  }, [grid, grids.data]);

  const rows = useMemo(() => (queue.data ?? []).filter((h) => matchesSearch(h, typed)), [queue.data, typed]);
  const areas = useMemo(
    () => (grids.data ?? []).map((g) => ({ id: g.id, name: g.name, polygon: g.polygon, emphasis: true })),
    [grids.data],
  );
  const points = useMemo(() => mapPoints(rows, today), [rows, today]);

  const assignThese = async (codes: string[]) => {
    const outcome = await assign.mutateAsync(codes);
    setSelected((earlier) => earlier.filter((code) => !outcome.done.some((h) => h.credit_code === code)));
  };

  return (
    <Space orientation="vertical" style={{ width: "100%" }}>
      <Typography.Title level={1} style={{ fontSize: 20, margin: 0 }}>
        <FormattedMessage id="office.unrouted.title" />
      </Typography.Title>
      <Typography.Text type="secondary">
        <FormattedMessage id="office.unrouted.hint" values={{ count: queue.data?.length ?? 0 }} />
      </Typography.Text>
      <ProblemAlert error={queue.error ?? grids.error} />
      <Space wrap>
        <Select
          aria-label={t("office.assign.grid")}
          placeholder={t("office.assign.grid")}
          style={{ minWidth: 240 }}
          value={grid}
          onChange={setGrid}
          options={(grids.data ?? []).map((g) => ({ value: g.id, label: `${g.name}（${g.owner}）` }))}
          data-testid="assign-grid"
        />
        <Button
          type="primary"
          disabled={!grid || selected.length === 0}
          loading={assign.isPending}
          onClick={() => void assignThese(selected)}
        >
          <FormattedMessage id="office.assign.selected" values={{ count: selected.length }} />
        </Button>
        <Input.Search
          allowClear
          aria-label={t("inspector.households.search")}
          placeholder={t("inspector.households.search")}
          defaultValue={typed}
          onSearch={(value) => setSearch(value ? { q: value } : {}, { replace: true })}
          style={{ width: 240, maxWidth: "100%" }}
        />
      </Space>
      <OutcomeAlert outcome={assign.data} doneKey="office.assign.done" />
      <div className="split">
        <Table<Household>
          rowKey="credit_code"
          size="small"
          loading={queue.isPending}
          dataSource={rows}
          pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
          locale={{ emptyText: t("shell.empty") }}
          rowSelection={{
            selectedRowKeys: selected,
            onChange: (keys) => setSelected(keys.map(String)),
            getCheckboxProps: (row) => ({ "aria-label": t("office.assign.choose", { name: row.name ?? row.credit_code }) }),
          }}
          columns={[
            {
              title: t("inspector.field.name"),
              dataIndex: "name",
              render: (name: string | null, row) => <Link to={`/office/households/${row.credit_code}`}>{name ?? row.credit_code}</Link>,
            },
            { title: t("inspector.field.address"), dataIndex: "address", render: (address: unknown) => addressText(address) },
            {
              title: t("inspector.field.community"),
              key: "community",
              responsive: ["xl"],
              render: (_, row) => String((row.address as { community_code?: string } | null)?.community_code ?? ""),
            },
            {
              title: t("inspector.field.actions"),
              key: "actions",
              render: (_, row) => (
                <Button
                  size="small"
                  disabled={!grid}
                  onClick={() => void assignThese([row.credit_code])}
                  aria-label={t("office.assign.one", { name: row.name ?? row.credit_code })}
                >
                  <FormattedMessage id="office.assign.action" />
                </Button>
              ),
            },
          ]}
        />
        <DistrictMap
          label={t("office.map.label")}
          areas={areas}
          points={points}
          onSelect={(code) => navigate(`/office/households/${code}`)}
        />
      </div>
    </Space>
  );
}
