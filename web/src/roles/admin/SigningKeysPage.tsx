import { App, Button, Space, Table, Tag, Typography } from "antd";
import { FormattedMessage, useIntl } from "react-intl";

import { ProblemAlert } from "../../common/ProblemAlert";
import { useRotateSigningKey, useSigningKeys, type SigningKey } from "./api";
import { bureauTime, keyState } from "./rules";

const STATE_COLOURS = { signing: "green", waiting: "gold", retiring: "default" } as const;

/** The keys tokens are signed with: which signs now, which waits for its activation time; rotate. */
export function SigningKeysPage() {
  const intl = useIntl();
  const t = (id: string, values?: Record<string, string | number>) => intl.formatMessage({ id }, values);
  const { message, modal } = App.useApp();
  const keys = useSigningKeys();
  const rotate = useRotateSigningKey();
  const rows = [...(keys.data ?? [])].sort((a, b) => b.created_at.localeCompare(a.created_at));

  const confirmRotation = () =>
    modal.confirm({
      title: t("admin.signing.rotateConfirm"),
      content: t("admin.signing.rotateNote"),
      okText: t("admin.signing.rotate"),
      cancelText: t("shell.cancel"),
      onOk: async () => {
        const key = await rotate.mutateAsync().catch(() => null);
        if (key) void message.success(t("admin.signing.rotated", { at: bureauTime(key.signs_from, intl.locale) }));
      },
    });

  return (
    <Space orientation="vertical" style={{ width: "100%" }}>
      <Space style={{ justifyContent: "space-between", width: "100%" }} wrap>
        <Typography.Title level={1} style={{ fontSize: 20, margin: 0 }}>
          <FormattedMessage id="admin.signing.title" />
        </Typography.Title>
        <Button type="primary" loading={rotate.isPending} onClick={confirmRotation}>
          {t("admin.signing.rotate")}
        </Button>
      </Space>
      <Typography.Paragraph type="secondary">
        <FormattedMessage id="admin.signing.intro" />
      </Typography.Paragraph>
      <ProblemAlert error={keys.error ?? rotate.error} />
      <Table<SigningKey>
        rowKey="kid"
        size="small"
        pagination={false}
        loading={keys.isPending}
        dataSource={rows}
        locale={{ emptyText: t("shell.empty") }}
        columns={[
          { title: t("admin.signing.kid"), dataIndex: "kid", render: (kid: string) => <code>{kid}</code> },
          { title: t("admin.field.createdAt"), dataIndex: "created_at", render: (at: string) => bureauTime(at, intl.locale) },
          { title: t("admin.signing.signsFrom"), dataIndex: "signs_from", render: (at: string) => bureauTime(at, intl.locale) },
          {
            title: t("admin.field.status"),
            key: "state",
            render: (_, key) => {
              const state = keyState(key);
              return <Tag color={STATE_COLOURS[state]}>{t(`admin.signing.state.${state}`)}</Tag>;
            },
          },
        ]}
      />
    </Space>
  );
}
