import { Card, Col, Descriptions, InputNumber, Row, Space, Statistic, Table, Typography } from "antd";
import { useMemo } from "react";
import { FormattedMessage } from "react-intl";
import { useNavigate, useSearchParams } from "react-router-dom";

import { useMe } from "../../auth/me";
import { bureauToday } from "../../common/deadline";
import { DistrictMap } from "../../common/DistrictMap";
import { ProblemAlert } from "../../common/ProblemAlert";
import { useGrids, useHouseholds, useOffices, useOfficeReport } from "../inspector/api";
import { useText } from "../inspector/forms";
import { mapPoints } from "../inspector/HouseholdsPage";
import { gridFigures, householdFigures, type GridRow } from "./rules";

/** 辖区概况: the office's grids on the map with every household, the households by state and
 * by grid (counted here from the households list), and the year's enforcement figures (the
 * enforcement service's own report). */
export function OverviewPage() {
  const t = useText();
  const navigate = useNavigate();
  const me = useMe();
  const office = me.data?.office ?? null;
  const offices = useOffices();
  const households = useHouseholds();
  const grids = useGrids(office);
  const [search, setSearch] = useSearchParams();
  const today = bureauToday();
  const year = Number(search.get("year")) || Number(today.slice(0, 4));
  const report = useOfficeReport(year);

  const all = households.data ?? [];
  const figures = householdFigures(all, today);
  const perGrid = gridFigures(grids.data ?? [], all, today);
  const areas = useMemo(
    () => (grids.data ?? []).map((g) => ({ id: g.id, name: g.name, polygon: g.polygon, emphasis: true })),
    [grids.data],
  );
  const points = useMemo(() => mapPoints(all, today), [all, today]);
  const name = offices.data?.find((o) => o.id === office)?.name ?? office ?? "";
  const mine = report.data?.find((o) => o.office_id === office);

  const stat = (key: string, value: number, testId: string) => (
    <Col xs={12} md={8} xl={4}>
      <Card size="small">
        <Statistic title={t(key)} value={value} styles={{ content: { fontSize: 22 } }} data-testid={testId} />
      </Card>
    </Col>
  );

  return (
    <Space orientation="vertical" style={{ width: "100%" }} size="middle">
      <Typography.Title level={1} style={{ fontSize: 20, margin: 0 }}>
        <FormattedMessage id="office.overview.title" values={{ office: name }} />
      </Typography.Title>
      <ProblemAlert error={households.error ?? grids.error} />
      <section aria-labelledby="office-households">
        <Typography.Title level={2} style={{ fontSize: 16 }} id="office-households">
          <FormattedMessage id="office.overview.households" />
        </Typography.Title>
        <Row gutter={[8, 8]}>
          {stat("office.figure.total", figures.total, "figure-total")}
          {stat("office.figure.unrouted", figures.byState.unrouted, "figure-unrouted")}
          {stat("office.figure.assigned", figures.byState.assigned, "figure-assigned")}
          {stat("office.figure.claimed", figures.byState.claimed, "figure-claimed")}
          {stat("office.figure.overdue", figures.overdue, "figure-overdue")}
          {stat("office.figure.dueSoon", figures.dueSoon, "figure-due-soon")}
        </Row>
        <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>
          <FormattedMessage id="office.overview.computed" />
        </Typography.Paragraph>
      </section>
      <div className="split">
        <Table<GridRow>
          rowKey="id"
          size="small"
          pagination={false}
          loading={grids.isPending || households.isPending}
          dataSource={perGrid}
          locale={{ emptyText: t("shell.empty") }}
          columns={[
            { title: t("office.grid.name"), dataIndex: "name" },
            { title: t("office.grid.owner"), dataIndex: "owner" },
            { title: t("office.figure.assigned"), dataIndex: "assigned" },
            { title: t("office.figure.claimed"), dataIndex: "claimed" },
            { title: t("office.figure.overdue"), dataIndex: "overdue" },
          ]}
        />
        <DistrictMap
          label={t("office.map.label")}
          areas={areas}
          points={points}
          onSelect={(code) => navigate(`/office/households/${code}`)}
        />
      </div>
      <section aria-labelledby="office-enforcement">
        <Space wrap align="center" style={{ marginBottom: 8 }}>
          <Typography.Title level={2} style={{ fontSize: 16, margin: 0 }} id="office-enforcement">
            <FormattedMessage id="office.overview.enforcement" />
          </Typography.Title>
          <InputNumber
            aria-label={t("office.overview.year")}
            min={2000}
            max={2100}
            value={year}
            onChange={(value) => value && setSearch({ year: String(value) }, { replace: true })}
          />
        </Space>
        <ProblemAlert error={report.error} />
        <Descriptions bordered size="small" column={{ xs: 1, md: 2, xl: 4 }}>
          <Descriptions.Item label={t("office.report.caseSources")}>{mine?.case_sources ?? "—"}</Descriptions.Item>
          <Descriptions.Item label={t("office.report.filed")}>{mine?.filed ?? "—"}</Descriptions.Item>
          <Descriptions.Item label={t("office.report.decidedOnTime")}>{mine?.decided_on_time ?? "—"}</Descriptions.Item>
          <Descriptions.Item label={t("office.report.onTheSpot")}>{mine?.on_the_spot_penalties ?? "—"}</Descriptions.Item>
          <Descriptions.Item label={t("office.report.section")}>
            {mine?.section.id
              ? t("office.report.sectionFigures", {
                  section: mine.section.id,
                  sources: mine.section.case_sources,
                  filed: mine.section.filed,
                  onTime: mine.section.decided_on_time,
                })
              : "—"}
          </Descriptions.Item>
        </Descriptions>
      </section>
    </Space>
  );
}
