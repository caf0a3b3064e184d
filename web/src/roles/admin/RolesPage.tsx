import { App, Switch, Table, Tag, Typography, Space } from "antd";
import { FormattedMessage, useIntl } from "react-intl";
import { Link } from "react-router-dom";

import { ProblemAlert } from "../../common/ProblemAlert";
import { useEveryUser, useRolePolicies, useSetRolePolicy } from "./api";
import { STAFF_ROLES, unenrolledHolders } from "./rules";

interface Row {
  role: string;
  required: boolean;
  holders: number;
  unenrolled: number;
}

/** Which roles must sign in with an authenticator, and who requiring one would shut out. */
export function RolesPage() {
  const intl = useIntl();
  const t = (id: string, values?: Record<string, string | number>) => intl.formatMessage({ id }, values);
  const { modal } = App.useApp();
  const policies = useRolePolicies();
  const users = useEveryUser();
  const setPolicy = useSetRolePolicy();
  const people = users.data ?? [];
  const rows: Row[] = STAFF_ROLES.map((role) => ({
    role,
    required: (policies.data ?? []).some((policy) => policy.role === role && policy.totp_required),
    holders: people.filter((user) => user.active && user.roles.includes(role)).length,
    unenrolled: unenrolledHolders(people, role).length,
  }));

  const toggle = (row: Row, required: boolean) => {
    const apply = () => setPolicy.mutateAsync({ role: row.role, totp_required: required }).catch(() => undefined);
    if (required && row.unenrolled > 0) {
      modal.confirm({
        title: t("admin.roles.confirm", { role: t(`shell.role.${row.role}`), count: row.unenrolled }),
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
      <ProblemAlert error={policies.error ?? users.error ?? setPolicy.error} />
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
            render: (holders: number, row) => <Link to={`/admin/users?role=${row.role}`}>{holders}</Link>,
          },
          {
            title: t("admin.roles.unenrolled"),
            dataIndex: "unenrolled",
            render: (count: number, row) =>
              count > 0 && row.required ? (
                <Link to={`/admin/users?role=${row.role}&status=no_second_factor`}>
                  <Tag color={"red"}>{t("admin.roles.shutOut", { count })}</Tag>
                </Link>
              ) : (
                count
              ),
          },
        ]}
      />
    </Space>
  );
}
