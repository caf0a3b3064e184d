import { App, AutoComplete, Button, Input, Segmented, Select, Space, Table, Tag, Typography } from "antd";
import { useState } from "react";
import { FormattedMessage, useIntl } from "react-intl";
import { Link, useNavigate, useSearchParams } from "react-router-dom";

import { useMe } from "../../auth/me";
import { MoreRows } from "../../common/PagedList";
import { ProblemAlert } from "../../common/ProblemAlert";
import { useOffices, useRolePolicies, useUserAct, useUsers, type User, type UserAct } from "./api";
import { BulkOutcome } from "./BulkOutcome";
import { SecondFactorTag, StatusTag } from "./tags";
import {
  bureauTime,
  eachOf,
  officeOptions,
  readUserFilters,
  STAFF_ROLES,
  STATUS_FILTERS,
  writeUserFilters,
  type Outcome,
  type UserFilters,
} from "./rules";

/**
 * The staff members the address' filters keep (the gateway filters them), a page at a time; unlock or
 * deactivate several of those loaded at once.
 */
export function UsersPage() {
  const intl = useIntl();
  const t = (id: string, values?: Record<string, string | number>) => intl.formatMessage({ id }, values);
  const { modal } = App.useApp();
  const navigate = useNavigate();
  const [search, setSearch] = useSearchParams();
  const filters = readUserFilters(search);
  const users = useUsers(filters);
  const policies = useRolePolicies();
  const offices = useOffices();
  const me = useMe();
  const act = useUserAct();
  const [selected, setSelected] = useState<string[]>([]);
  const [outcome, setOutcome] = useState<Outcome<string> | null>(null);
  const [officeText, setOfficeText] = useState(filters.office ?? "");

  const rows = users.data ?? [];
  const set = (change: Partial<UserFilters>) => setSearch(writeUserFilters({ ...filters, ...change }), { replace: true });
  const chosen = selected.filter((username) => rows.some((row) => row.username === username));

  const runBulk = async (chosenAct: UserAct) => {
    // One's own account is never deactivated (the gateway refuses it too).
    const targets = chosenAct === "deactivate" ? chosen.filter((username) => username !== me.data?.sub) : chosen;
    const result = await eachOf(targets, (username) => act.mutateAsync({ act: chosenAct, username }));
    setOutcome(result);
    setSelected(result.failed.map((failure) => failure.item));
  };

  return (
    <Space orientation="vertical" style={{ width: "100%" }}>
      <Space style={{ justifyContent: "space-between", width: "100%" }} wrap>
        <Typography.Title level={1} style={{ fontSize: 20, margin: 0 }}>
          <FormattedMessage id="admin.users.title" />
        </Typography.Title>
        <Button type="primary" onClick={() => navigate("/admin/users/new")}>
          {t("admin.users.new")}
        </Button>
      </Space>
      <Space wrap>
        <Input
          aria-label={t("admin.users.search")}
          placeholder={t("admin.users.search")}
          allowClear
          value={filters.q}
          onChange={(event) => set({ q: event.target.value })}
          style={{ width: 220 }}
        />
        <Select
          aria-label={t("admin.field.role")}
          placeholder={t("admin.field.role")}
          allowClear
          value={filters.role}
          onChange={(role?: string) => set({ role })}
          options={STAFF_ROLES.map((role) => ({ value: role, label: t(`shell.role.${role}`) }))}
          style={{ width: 180 }}
        />
        <AutoComplete
          aria-label={t("admin.field.office")}
          placeholder={t("admin.field.office")}
          allowClear
          value={officeText}
          options={officeOptions(offices.data ?? [], [filters.office, ...rows.map((row) => row.office)])}
          filterOption={(typed, option) => String(option?.label ?? "").toLowerCase().includes(typed.toLowerCase())}
          onChange={(value?: string) => {
            setOfficeText(value ?? "");
            if (!value) set({ office: undefined });
          }}
          onSelect={(office?: string) => set({ office })}
          // An office typed and not picked (nobody on screen holds it) filters once the field is left.
          onBlur={() => set({ office: officeText.trim() || undefined })}
          style={{ width: 240 }}
        />
        <Segmented
          aria-label={t("admin.users.filter")}
          value={filters.status}
          onChange={(value) => set({ status: value as UserFilters["status"] })}
          options={STATUS_FILTERS.map((value) => ({ value, label: t(`admin.users.status.${value}`) }))}
        />
      </Space>
      <ProblemAlert error={users.error ?? policies.error} />
      {outcome && (
        <BulkOutcome outcome={outcome} onClose={() => setOutcome(null)} />
      )}
      {chosen.length > 0 && (
        <Space wrap role="group" aria-label={t("admin.bulk.label")}>
          <Typography.Text>{t("admin.bulk.selected", { count: chosen.length })}</Typography.Text>
          <Button loading={act.isPending && act.variables?.act === "unlock"} onClick={() => void runBulk("unlock")}>
            {t("admin.user.unlock")}
          </Button>
          <Button
            danger
            loading={act.isPending && act.variables?.act === "deactivate"}
            onClick={() =>
              modal.confirm({
                title: t("admin.bulk.deactivateConfirm", { count: chosen.length }),
                content: t("admin.user.deactivateNote"),
                okText: t("admin.user.deactivate"),
                okButtonProps: { danger: true },
                cancelText: t("shell.cancel"),
                onOk: () => runBulk("deactivate"),
              })
            }
          >
            {t("admin.user.deactivate")}
          </Button>
        </Space>
      )}
      <Table<User>
        rowKey="username"
        size="small"
        loading={users.isPending || users.isPlaceholderData}
        dataSource={rows}
        pagination={false}
        locale={{ emptyText: t("shell.empty") }}
        rowSelection={{
          selectedRowKeys: chosen,
          onChange: (keys) => setSelected(keys.map(String)),
          getCheckboxProps: (row) => ({ "aria-label": t("admin.bulk.select", { name: row.username }) }),
          getTitleCheckboxProps: () => ({ "aria-label": t("admin.bulk.selectAll") }),
        }}
        columns={[
          {
            title: t("admin.field.username"),
            dataIndex: "username",
            render: (username: string) => (
              <Link to={`/admin/users/${username}`} state={{ from: search.toString() }}>
                {username}
              </Link>
            ),
          },
          { title: t("admin.field.name"), dataIndex: "name" },
          {
            title: t("admin.field.roles"),
            dataIndex: "roles",
            render: (roles: string[]) => roles.map((role) => <Tag key={role}>{t(`shell.role.${role}`)}</Tag>),
          },
          { title: t("admin.field.office"), dataIndex: "office" },
          {
            title: t("admin.field.secondFactor"),
            key: "second-factor",
            render: (_, row) => <SecondFactorTag user={row} policies={policies.data ?? []} />,
          },
          { title: t("admin.field.status"), key: "status", render: (_, row) => <StatusTag user={row} /> },
          {
            title: t("admin.field.createdAt"),
            dataIndex: "created_at",
            render: (at: string) => bureauTime(at, intl.locale),
          },
        ]}
      />
      <MoreRows list={users}>
        <Typography.Text type="secondary">{t("admin.users.loaded", { count: rows.length })}</Typography.Text>
      </MoreRows>
    </Space>
  );
}
