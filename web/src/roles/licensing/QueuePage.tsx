import { Button, Segmented, Space, Table, Typography } from "antd";
import { FormattedMessage, useIntl } from "react-intl";
import { Link, useSearchParams } from "react-router-dom";

import { DeadlineTag } from "../../common/DeadlineTag";
import { ProblemAlert } from "../../common/ProblemAlert";
import { SavedFilters } from "../../common/SavedFilters";
import { useApplications, type Application, type Status } from "./api";

const FILTERS = ["submitted", "returned", "accepted", "awaiting_partners", "issued", "rejected"] as const;

/** The window's queue: applications by where they stand, the oldest deadline first. */
export function QueuePage() {
  const intl = useIntl();
  const t = (id: string, values?: Record<string, string>) => intl.formatMessage({ id }, values);
  // The filter is in the address, so going to an application and back keeps your place.
  const [search, setSearch] = useSearchParams();
  const status = (FILTERS.find((value) => value === search.get("status")) ?? "submitted") satisfies Status;
  const applications = useApplications(status);
  const rows = [...(applications.data ?? [])].sort((a, b) => (a.deadline ?? "9").localeCompare(b.deadline ?? "9"));
  return (
    <Space direction="vertical" style={{ width: "100%" }}>
      <Space style={{ justifyContent: "space-between", width: "100%" }} wrap>
        <Typography.Title level={1} style={{ fontSize: 20, margin: 0 }}>
          <FormattedMessage id="licensing.queue.title" />
        </Typography.Title>
        <Link to="/licensing/new">
          <Button type="primary">{t("licensing.menu.new")}</Button>
        </Link>
      </Space>
      <Space wrap style={{ justifyContent: "space-between", width: "100%" }}>
        <Segmented
          aria-label={t("licensing.queue.filter")}
          value={status}
          onChange={(value) => setSearch({ status: String(value) })}
          options={FILTERS.map((value) => ({ value, label: t(`licensing.status.${value}`) }))}
        />
        <SavedFilters screen="licensing-queue" />
      </Space>
      <ProblemAlert error={applications.error} />
      <Table<Application>
        rowKey="id"
        loading={applications.isPending}
        dataSource={rows}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={{ emptyText: t("shell.empty") }}
        columns={[
          {
            title: t("licensing.field.name"),
            dataIndex: "name",
            render: (name: string, row) => <Link to={`/licensing/applications/${row.id}`}>{name}</Link>,
          },
          { title: t("licensing.field.operator"), dataIndex: "operator_name" },
          {
            title: t("licensing.field.entityType"),
            dataIndex: "entity_type",
            render: (value: string) => t(`licensing.entity.${value}`),
          },
          { title: t("licensing.field.channel"), dataIndex: "channel", render: (value: string) => t(`licensing.channel.${value}`) },
          { title: t("licensing.field.missing"), dataIndex: "missing_materials", render: (missing: string[]) => missing.length || "" },
          { title: t("licensing.field.deadline"), dataIndex: "deadline", render: (due: string | null) => <DeadlineTag due={due} /> },
        ]}
      />
    </Space>
  );
}
