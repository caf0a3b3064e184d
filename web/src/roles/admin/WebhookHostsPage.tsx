import { App, Button, Card, Form, Input, Select, Space, Table, Typography } from "antd";
import { useState } from "react";
import { FormattedMessage, useIntl } from "react-intl";
import { useSearchParams } from "react-router-dom";

import { showFieldErrors } from "../../common/forms";
import { ProblemAlert } from "../../common/ProblemAlert";
import { useAllowHost, useClients, useDisallowHost, useWebhookHosts, type AllowedHost } from "./api";
import { BulkOutcome } from "./BulkOutcome";
import { eachOf, isWebhookHost, type Outcome } from "./rules";

const keyOf = (host: AllowedHost) => `${host.agency}/${host.host}`;

/** Licensing's allow-list: the hosts each partner agency's webhook may point at. */
export function WebhookHostsPage() {
  const intl = useIntl();
  const t = (id: string, values?: Record<string, string | number>) => intl.formatMessage({ id }, values);
  const { modal } = App.useApp();
  const [search, setSearch] = useSearchParams();
  const agency = search.get("agency") ?? undefined;
  const hosts = useWebhookHosts();
  const clients = useClients();
  const allow = useAllowHost();
  const disallow = useDisallowHost();
  const [form] = Form.useForm<AllowedHost>();
  const [selected, setSelected] = useState<string[]>([]);
  const [outcome, setOutcome] = useState<Outcome<string> | null>(null);

  const agencies = [...new Set([...(clients.data ?? []).map((c) => c.agency), ...(hosts.data ?? []).map((h) => h.agency)])].sort();
  const rows = (hosts.data ?? [])
    .filter((host) => !agency || host.agency === agency)
    .sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
  const chosen = rows.filter((row) => selected.includes(keyOf(row)));

  const onFinish = async (values: AllowedHost) => {
    try {
      await allow.mutateAsync({ agency: values.agency, host: values.host.trim().toLowerCase() });
      form.setFieldValue("host", "");
    } catch (error) {
      showFieldErrors(form, error);
    }
  };

  const disallowAll = (targets: AllowedHost[]) =>
    modal.confirm({
      title: t("admin.hosts.disallowConfirm", { count: targets.length, host: targets.length === 1 ? targets[0]!.host : "" }),
      content: t("admin.hosts.disallowNote"),
      okText: t("admin.hosts.disallow"),
      okButtonProps: { danger: true },
      cancelText: t("shell.cancel"),
      onOk: async () => {
        const result = await eachOf(targets, (target) => disallow.mutateAsync(target));
        setOutcome({ done: result.done.map(keyOf), failed: result.failed.map((f) => ({ ...f, item: keyOf(f.item) })) });
        setSelected([]);
      },
    });

  return (
    <Space orientation="vertical" style={{ width: "100%" }}>
      <Typography.Title level={1} style={{ fontSize: 20, margin: 0 }}>
        <FormattedMessage id="admin.hosts.title" />
      </Typography.Title>
      <Typography.Paragraph type="secondary">
        <FormattedMessage id="admin.hosts.intro" />
      </Typography.Paragraph>
      <Card title={<Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>{t("admin.hosts.allow")}</Typography.Title>}>
        <ProblemAlert error={allow.error} />
        <Form<AllowedHost> form={form} layout="inline" onFinish={onFinish} initialValues={{ agency }}>
          <Form.Item label={t("admin.clients.agency")} name="agency" rules={[{ required: true }]}>
            <Select showSearch style={{ width: 180 }} options={agencies.map((value) => ({ value, label: value }))} />
          </Form.Item>
          <Form.Item
            label={t("admin.hosts.host")}
            name="host"
            rules={[
              { required: true },
              { validator: async (_, value?: string) => { if (value && !isWebhookHost(value)) throw new Error(t("admin.rule.host")); } },
            ]}
          >
            <Input autoComplete="off" style={{ width: 280 }} />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={allow.isPending}>
            {t("admin.hosts.allow")}
          </Button>
        </Form>
      </Card>
      <Select
        aria-label={t("admin.hosts.filter")}
        placeholder={t("admin.hosts.filter")}
        allowClear
        value={agency}
        onChange={(value?: string) => setSearch(value ? { agency: value } : {}, { replace: true })}
        options={agencies.map((value) => ({ value, label: value }))}
        style={{ width: 220 }}
      />
      <ProblemAlert error={hosts.error} />
      {outcome && <BulkOutcome outcome={outcome} onClose={() => setOutcome(null)} />}
      {chosen.length > 0 && (
        <Space wrap role="group" aria-label={t("admin.bulk.label")}>
          <Typography.Text>{t("admin.bulk.selected", { count: chosen.length })}</Typography.Text>
          <Button danger onClick={() => disallowAll(chosen)}>
            {t("admin.hosts.disallow")}
          </Button>
        </Space>
      )}
      <Table<AllowedHost>
        rowKey={keyOf}
        size="small"
        loading={hosts.isPending}
        dataSource={rows}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        locale={{ emptyText: t("shell.empty") }}
        rowSelection={{
          selectedRowKeys: chosen.map(keyOf),
          onChange: (ids) => setSelected(ids.map(String)),
          getCheckboxProps: (row) => ({ "aria-label": t("admin.bulk.select", { name: keyOf(row) }) }),
          getTitleCheckboxProps: () => ({ "aria-label": t("admin.bulk.selectAll") }),
        }}
        columns={[
          { title: t("admin.clients.agency"), dataIndex: "agency" },
          { title: t("admin.hosts.host"), dataIndex: "host", render: (host: string) => <code>{host}</code> },
          {
            title: t("admin.actions"),
            key: "actions",
            render: (_, row) => (
              <Button
                size="small"
                danger
                aria-label={t("admin.hosts.disallowOne", { host: row.host, agency: row.agency })}
                onClick={() => disallowAll([row])}
              >
                {t("admin.hosts.disallow")}
              </Button>
            ),
          },
        ]}
      />
    </Space>
  );
}
