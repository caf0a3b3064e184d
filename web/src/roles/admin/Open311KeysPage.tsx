import { App, Button, Card, Form, Input, Segmented, Space, Table, Tag, Typography } from "antd";
import { useState } from "react";
import { FormattedMessage, useIntl } from "react-intl";
import { useSearchParams } from "react-router-dom";

import { showFieldErrors } from "../../common/forms";
import { ProblemAlert } from "../../common/ProblemAlert";
import { useIssueOpen311Key, useOpen311Keys, useRevokeOpen311Key, type Open311Key, type Open311KeyIssued } from "./api";
import { OnceShown } from "./OnceShown";
import { bureauTime, eachOf, USERNAME_PATTERN, type Outcome } from "./rules";
import { BulkOutcome } from "./BulkOutcome";

const FILTERS = ["active", "revoked", "all"] as const;
type Filter = (typeof FILTERS)[number];

/** API keys of Open311 clients: issue one (shown once), revoke those no longer wanted. */
export function Open311KeysPage() {
  const intl = useIntl();
  const t = (id: string, values?: Record<string, string | number>) => intl.formatMessage({ id }, values);
  const { modal } = App.useApp();
  const [search, setSearch] = useSearchParams();
  const filter: Filter = FILTERS.find((value) => value === search.get("status")) ?? "active";
  const keys = useOpen311Keys();
  const issue = useIssueOpen311Key();
  const revoke = useRevokeOpen311Key();
  const [form] = Form.useForm<{ name: string }>();
  const [issued, setIssued] = useState<Open311KeyIssued | null>(null);
  const [selected, setSelected] = useState<string[]>([]);
  const [outcome, setOutcome] = useState<Outcome<string> | null>(null);

  const rows = (keys.data ?? [])
    .filter((key) => filter === "all" || (filter === "revoked") === (key.revoked_at !== null))
    .sort((a, b) => b.created_at.localeCompare(a.created_at));
  const chosen = selected.filter((id) => rows.some((row) => row.id === id && row.revoked_at === null));
  const nameOf = (id: string) => rows.find((row) => row.id === id)?.name ?? id;

  const revokeAll = (ids: string[]) =>
    modal.confirm({
      title: t("admin.keys.revokeConfirm", { count: ids.length, name: ids.length === 1 ? nameOf(ids[0]!) : "" }),
      content: t("admin.keys.revokeNote"),
      okText: t("admin.keys.revoke"),
      okButtonProps: { danger: true },
      cancelText: t("shell.cancel"),
      onOk: async () => {
        const result = await eachOf(ids, (id) => revoke.mutateAsync(id));
        setOutcome({ done: result.done.map(nameOf), failed: result.failed.map((f) => ({ ...f, item: nameOf(f.item) })) });
        setSelected([]);
      },
    });

  const onFinish = async ({ name }: { name: string }) => {
    try {
      setIssued(await issue.mutateAsync(name));
      form.resetFields();
    } catch (error) {
      showFieldErrors(form, error);
    }
  };

  return (
    <Space orientation="vertical" style={{ width: "100%" }}>
      <Typography.Title level={1} style={{ fontSize: 20, margin: 0 }}>
        <FormattedMessage id="admin.keys.title" />
      </Typography.Title>
      <Card title={<Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>{t("admin.keys.issue")}</Typography.Title>}>
        <ProblemAlert error={issue.error} />
        {issued && (
          <OnceShown
            title={t("admin.keys.issued", { name: issued.name })}
            secret={issued.api_key}
            note={t("admin.secretOnce")}
            testId="issued-key"
          />
        )}
        <Form form={form} layout="inline" onFinish={onFinish}>
          <Form.Item
            label={t("admin.keys.name")}
            name="name"
            extra={t("admin.keys.nameHint")}
            rules={[{ required: true, pattern: USERNAME_PATTERN, message: t("admin.rule.username") }]}
          >
            <Input autoComplete="off" style={{ width: 220 }} />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={issue.isPending}>
            {t("admin.keys.issue")}
          </Button>
        </Form>
      </Card>
      <Segmented
        aria-label={t("admin.keys.filter")}
        value={filter}
        onChange={(value) => setSearch({ status: String(value) }, { replace: true })}
        options={FILTERS.map((value) => ({ value, label: t(`admin.keys.status.${value}`) }))}
      />
      <ProblemAlert error={keys.error} />
      {outcome && <BulkOutcome outcome={outcome} onClose={() => setOutcome(null)} />}
      {chosen.length > 0 && (
        <Space wrap role="group" aria-label={t("admin.bulk.label")}>
          <Typography.Text>{t("admin.bulk.selected", { count: chosen.length })}</Typography.Text>
          <Button danger onClick={() => revokeAll(chosen)}>
            {t("admin.keys.revoke")}
          </Button>
        </Space>
      )}
      <Table<Open311Key>
        rowKey="id"
        size="small"
        loading={keys.isPending}
        dataSource={rows}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        locale={{ emptyText: t("shell.empty") }}
        rowSelection={{
          selectedRowKeys: chosen,
          onChange: (ids) => setSelected(ids.map(String)),
          getCheckboxProps: (row) => ({
            disabled: row.revoked_at !== null,
            "aria-label": t("admin.bulk.select", { name: row.name }),
          }),
          getTitleCheckboxProps: () => ({ "aria-label": t("admin.bulk.selectAll") }),
        }}
        columns={[
          { title: t("admin.keys.name"), dataIndex: "name" },
          { title: t("admin.keys.subject"), dataIndex: "name", key: "subject", render: (name: string) => <code>{`open311:${name}`}</code> },
          { title: t("admin.field.createdAt"), dataIndex: "created_at", render: (at: string) => bureauTime(at, intl.locale) },
          {
            title: t("admin.field.status"),
            dataIndex: "revoked_at",
            render: (at: string | null) =>
              at ? (
                <Tag>{t("admin.keys.revokedAt", { at: bureauTime(at, intl.locale) })}</Tag>
              ) : (
                <Tag color={"green"}>{t("admin.keys.status.active")}</Tag>
              ),
          },
          {
            title: t("admin.actions"),
            key: "actions",
            render: (_, row) =>
              row.revoked_at === null && (
                <Button
                  size="small"
                  danger
                  aria-label={t("admin.keys.revokeOne", { name: row.name })}
                  onClick={() => revokeAll([row.id])}
                >
                  {t("admin.keys.revoke")}
                </Button>
              ),
          },
        ]}
      />
    </Space>
  );
}
