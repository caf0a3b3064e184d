import { Button, Input, Segmented, Select, Space, Table, Typography } from "antd";
import { FormattedMessage, useIntl } from "react-intl";
import { Link, useSearchParams } from "react-router-dom";

import { DeadlineTag } from "../../common/DeadlineTag";
import { MoreRows } from "../../common/PagedList";
import { ProblemAlert } from "../../common/ProblemAlert";
import { SavedFilters } from "../../common/SavedFilters";
import { useApplications, type Application, type QueueFilters } from "./api";
import { CHANNELS, queueFiltersFrom, SEARCH_MAX, searchOf, STATUSES } from "./queue";
import { KINDS } from "./rules";

/** The window's queue: applications by where they stand, oldest first, filtered by the service a page at a time. */
export function QueuePage() {
  const intl = useIntl();
  const t = (id: string, values?: Record<string, string>) => intl.formatMessage({ id }, values);
  // The filters are in the address, so going to an application and back keeps your place.
  const [search, setSearch] = useSearchParams();
  const filters = queueFiltersFrom(search);
  const filter = (next: QueueFilters) => setSearch(searchOf(next));
  const applications = useApplications(filters);
  const rows = applications.data ?? [];
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
          value={filters.status}
          onChange={(value) => filter({ ...filters, status: STATUSES.find((status) => status === value) ?? "submitted" })}
          options={STATUSES.map((value) => ({ value, label: t(`licensing.status.${value}`) }))}
        />
        <SavedFilters screen="licensing-queue" />
      </Space>
      <Space wrap>
        <Select
          aria-label={t("licensing.queue.channel")}
          placeholder={t("licensing.queue.channelAll")}
          style={{ width: 180 }}
          allowClear
          value={filters.channel}
          onChange={(channel) => filter({ ...filters, channel })}
          options={CHANNELS.map((value) => ({ value, label: t(`licensing.channel.${value}`) }))}
        />
        <Select
          aria-label={t("licensing.queue.kind")}
          placeholder={t("licensing.queue.kindAll")}
          style={{ width: 150 }}
          allowClear
          value={filters.kind}
          onChange={(kind) => filter({ ...filters, kind })}
          options={KINDS.map((value) => ({ value, label: t(`licensing.kind.${value}`) }))}
        />
        <Input.Search
          aria-label={t("licensing.queue.search")}
          placeholder={t("licensing.queue.search")}
          style={{ width: 320 }}
          allowClear
          maxLength={SEARCH_MAX}
          defaultValue={filters.q}
          key={filters.q ?? ""}
          onSearch={(text) => filter({ ...filters, q: text.trim() || undefined })}
        />
      </Space>
      <ProblemAlert error={applications.error} />
      <Table<Application>
        rowKey="id"
        loading={applications.isPending}
        dataSource={rows}
        pagination={false}
        locale={{ emptyText: t("shell.empty") }}
        columns={[
          {
            title: t("licensing.field.name"),
            dataIndex: "name",
            render: (name: string, row) => <Link to={`/licensing/applications/${row.id}`}>{name}</Link>,
          },
          { title: t("licensing.field.kind"), dataIndex: "kind", render: (value: string) => t(`licensing.kind.${value}`) },
          { title: t("licensing.field.operator"), dataIndex: "operator_name" },
          {
            title: t("licensing.field.entityType"),
            dataIndex: "entity_type",
            render: (value: string) => t(`licensing.entity.${value}`),
          },
          { title: t("licensing.field.channel"), dataIndex: "channel", render: (value: string) => t(`licensing.channel.${value}`) },
          { title: t("licensing.field.missing"), dataIndex: "missing_materials", render: (missing: string[]) => missing.length || "" },
          {
            title: t("licensing.field.deadline"),
            dataIndex: "deadline",
            // Sorts the rows loaded so far; the service lists them oldest first.
            sorter: (a, b) => (a.deadline ?? "9").localeCompare(b.deadline ?? "9"),
            render: (due: string | null) => <DeadlineTag due={due} />,
          },
        ]}
      />
      <MoreRows list={applications} />
    </Space>
  );
}
