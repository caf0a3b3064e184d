import { App, Switch, Table, Tag, Typography, Space } from "antd";
import { FormattedMessage, useIntl } from "react-intl";
import { Link } from "react-router-dom";

import { ProblemAlert } from "../../common/ProblemAlert";
import { useFirstStaffPages, useRolePolicies, useSetRolePolicy } from "./api";
import { isActive, isUnenrolled, STAFF_ROLES, tally, tallyText, type Tally } from "./rules";

interface Row {
  role: string;
  required: boolean;
  holders: Tally;
  unenrolled: Tally;
}

/** Which roles must sign in with an authenticator, and who requiring one would shut out. */
export function RolesPage() {
  const intl = useIntl();
  const t = (id: string, values?: Record<string, string | number>) => intl.formatMessage({ id }, values);
  const { modal } = App.useApp();
  const policies = useRolePolicies();
  // Each role's holders as the gateway filters them: the first page is counted, never everyone.
  const holders = useFirstStaffPages(STAFF_ROLES.map((role) => ({ role })));
  const setPolicy = useSetRolePolicy();
  const rows: Row[] = STAFF_ROLES.map((role, index) => ({
    role,
    required: (policies.data ?? []).some((policy) => policy.role === role && policy.totp_required),
    holders: tally(holders[index]?.data, isActive),
    unenrolled: tally(holders[index]?.data, isUnenrolled),
  }));
  const usersError = holders.find((found) => found.error)?.error;

  const toggle = (row: Row, required: boolean) => {
    const apply = () => setPolicy.mutateAsync({ role: row.role, totp_required: required }).catch(() => undefined);
    if (required && row.unenrolled.count > 0) {
      modal.confirm({
        title: t("admin.roles.confirm", { role: t(`shell.role.${row.role}`), count: tallyText(row.unenrolled) }),
        content: t("admin.roles.confirmNote"),
        okText: t("admin.roles.require"),
        cancelText: t("shell.cancel"),
        onOk: apply,
      });
    } else {
      void apply();
    }
  };

  return (
    <Space orientation="vertical" style={{ width: "100%" }}>
      <Typography.Title level={1} style={{ fontSize: 20, margin: 0 }}>
        <FormattedMessage id="admin.roles.title" />
      </Typography.Title>
      <Typography.Paragraph type="secondary">
        <FormattedMessage id="admin.roles.intro" />
      </Typography.Paragraph>
      <ProblemAlert error={policies.error ?? usersError ?? setPolicy.error} />
      <Table<Row>
        rowKey="role"
        size="small"
        pagination={false}
        loading={policies.isPending}
        dataSource={rows}
        locale={{ emptyText: t("shell.empty") }}
        columns={[
          { title: t("admin.field.role"), dataIndex: "role", render: (role: string) => t(`shell.role.${role}`) },
          {
            title: t("admin.roles.required"),
            dataIndex: "required",
            render: (required: boolean, row) => (
              <Switch
                checked={required}
                aria-label={t("admin.roles.switch", { role: t(`shell.role.${row.role}`) })}
                loading={setPolicy.isPending && setPolicy.variables?.role === row.role}
                onChange={(checked) => toggle(row, checked)}
              />
            ),
          },
          {
            title: t("admin.roles.holders"),
            dataIndex: "holders",
            render: (holders: Tally, row) => <Link to={`/admin/users?role=${row.role}`}>{tallyText(holders)}</Link>,
          },
          {
            title: t("admin.roles.unenrolled"),
            dataIndex: "unenrolled",
            render: (unenrolled: Tally, row) =>
              unenrolled.count > 0 && row.required ? (
                <Link to={`/admin/users?role=${row.role}&status=no_second_factor`}>
                  <Tag color={"red"}>{t("admin.roles.shutOut", { count: tallyText(unenrolled) })}</Tag>
                </Link>
              ) : (
                tallyText(unenrolled)
              ),
          },
        ]}
      />
    </Space>
  );
}
