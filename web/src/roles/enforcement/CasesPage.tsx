import { Card, Checkbox, Segmented, Space, Table, Tag, Typography } from "antd";
import { useIntl } from "react-intl";
import { Link, useSearchParams } from "react-router-dom";

import { useMe } from "../../auth/me";
import { DeadlineTag } from "../../common/DeadlineTag";
import { MoreRows } from "../../common/PagedList";
import { ProblemAlert } from "../../common/ProblemAlert";
import { useCases, type CaseSummary } from "./api";
import { OpenCaseForm } from "./OpenCaseForm";
import { CASE_STATUS_COLOURS, CASE_STATUSES, caseFilters, caseQuery, caseSearch, type CaseFilters } from "./rules";
import { CardTitle, PageTitle } from "./Titles";

/** The section's cases, the newest filed first, a page at a time; or one opened by its number. */
export function CasesPage() {
  const intl = useIntl();
  const t = (key: string) => intl.formatMessage({ id: key });
  // The filters are in the address, so going to a case and back keeps your place.
  const [search, setSearch] = useSearchParams();
  const filters = caseFilters(search);
  const change = (next: Partial<CaseFilters>) => setSearch(caseSearch({ ...filters, ...next }), { replace: true });
  const me = useMe().data?.sub;
  const found = useCases(caseQuery(filters, me));
  const rows = found.data ?? [];
  const day = (at: string) => new Date(at).toLocaleDateString(intl.locale, { timeZone: "Asia/Shanghai" });

  return (
    <Space orientation="vertical" style={{ width: "100%" }}>
      <PageTitle>{t("enforcement.cases.title")}</PageTitle>
      <Card title={<CardTitle>{t("enforcement.cases.open")}</CardTitle>}>
        <OpenCaseForm />
      </Card>
      <Card title={<CardTitle>{t("enforcement.cases.list")}</CardTitle>}>
        <Space orientation="vertical" style={{ width: "100%" }}>
          <Space wrap>
            <Segmented
              aria-label={t("enforcement.cases.filter.status")}
              value={filters.status}
              onChange={(value) => change({ status: value as CaseFilters["status"] })}
              options={["all" as const, ...CASE_STATUSES].map((value) => ({ value, label: t(`enforcement.caseStatus.${value}`) }))}
            />
            <Checkbox checked={filters.mine} onChange={(event) => change({ mine: event.target.checked })}>
              {t("enforcement.cases.filter.mine")}
            </Checkbox>
          </Space>
          <ProblemAlert error={found.error} />
          <Table<CaseSummary>
            rowKey="id"
            size="small"
            loading={found.isPending}
            dataSource={rows}
            pagination={false}
            locale={{ emptyText: t("shell.empty") }}
            columns={[
              {
                title: t("enforcement.field.case"),
                dataIndex: "id",
                width: 110,
                // The short number, as the case's own page is titled; the whole one opens it too.
                render: (id: string) => (
                  <Link to={`/enforcement/cases/${id}`} title={id}>
                    {id.slice(0, 8)}
                  </Link>
                ),
              },
              { title: t("enforcement.field.allegation"), dataIndex: "allegation", ellipsis: true },
              { title: t("enforcement.field.creditCode"), dataIndex: "credit_code", width: 180 },
              {
                title: t("enforcement.field.handlers"),
                dataIndex: "handlers",
                width: 170,
                render: (handlers: string[]) => handlers.join("、"),
              },
              {
                title: t("enforcement.field.status"),
                dataIndex: "status",
                width: 90,
                render: (status: string) => <Tag color={CASE_STATUS_COLOURS[status]}>{t(`enforcement.caseStatus.${status}`)}</Tag>,
              },
              { title: t("enforcement.field.filed"), dataIndex: "filed_at", width: 110, render: day },
              {
                title: t("enforcement.field.decisionDue"),
                dataIndex: "decision_due",
                width: 170,
                render: (due: string, row) =>
                  row.status === "filed" || row.status === "investigating" ? <DeadlineTag due={due} /> : <Typography.Text>{due}</Typography.Text>,
              },
            ]}
          />
          <MoreRows list={found} />
        </Space>
      </Card>
    </Space>
  );
}
