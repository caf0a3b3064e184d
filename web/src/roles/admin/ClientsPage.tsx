import { Button, Card, Form, Input, Space, Table, Tag, Typography } from "antd";
import { useState } from "react";
import { FormattedMessage, useIntl } from "react-intl";
import { Link } from "react-router-dom";

import { showFieldErrors } from "../../common/forms";
import { ProblemAlert } from "../../common/ProblemAlert";
import { useClients, useCreateClient, useWebhookHosts, type Client, type ClientCreate } from "./api";
import { OnceShown } from "./OnceShown";
import { AGENCY_PATTERN, bureauTime, newClientSecret, USERNAME_PATTERN } from "./rules";

/** Partner agencies' systems: who may call the partner API, and a new one with its secret shown once. */
export function ClientsPage() {
  const intl = useIntl();
  const t = (id: string, values?: Record<string, string | number>) => intl.formatMessage({ id }, values);
  const clients = useClients();
  const hosts = useWebhookHosts();
  const create = useCreateClient();
  const [form] = Form.useForm<ClientCreate>();
  const [created, setCreated] = useState<{ client: Client; secret: string } | null>(null);

  const onFinish = async (values: ClientCreate) => {
    try {
      const client = await create.mutateAsync({ ...values, name: values.name.trim() });
      setCreated({ client, secret: values.client_secret });
      form.resetFields();
      form.setFieldValue("client_secret", newClientSecret());
    } catch (error) {
      showFieldErrors(form, error);
    }
  };

  const hostCount = (agency: string) => (hosts.data ?? []).filter((host) => host.agency === agency).length;

  return (
    <Space orientation="vertical" style={{ width: "100%" }}>
      <Typography.Title level={1} style={{ fontSize: 20, margin: 0 }}>
        <FormattedMessage id="admin.clients.title" />
      </Typography.Title>
      <ProblemAlert error={clients.error} />
      {created && (
        <OnceShown
          title={t("admin.clients.created", { id: created.client.client_id })}
          secret={created.secret}
          note={t("admin.secretOnce")}
          testId="client-secret"
        />
      )}
      <Table<Client>
        rowKey="client_id"
        size="small"
        loading={clients.isPending}
        dataSource={clients.data ?? []}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        locale={{ emptyText: t("shell.empty") }}
        columns={[
          { title: t("admin.clients.id"), dataIndex: "client_id" },
          { title: t("admin.field.name"), dataIndex: "name" },
          { title: t("admin.clients.agency"), dataIndex: "agency" },
          {
            title: t("admin.field.status"),
            dataIndex: "active",
            render: (active: boolean) => (
              <Tag color={active ? "green" : "default"}>{t(active ? "admin.users.status.active" : "admin.users.status.inactive")}</Tag>
            ),
          },
          {
            title: t("admin.clients.hosts"),
            key: "hosts",
            render: (_, client) => (
              <Link to={`/admin/webhook-hosts?agency=${encodeURIComponent(client.agency)}`}>{hostCount(client.agency)}</Link>
            ),
          },
          { title: t("admin.field.createdAt"), dataIndex: "created_at", render: (at: string) => bureauTime(at, intl.locale) },
        ]}
      />
      <Card title={<Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>{t("admin.clients.new")}</Typography.Title>}>
        <ProblemAlert error={create.error} />
        <Form<ClientCreate>
          form={form}
          layout="vertical"
          onFinish={onFinish}
          initialValues={{ client_secret: newClientSecret() }}
          style={{ maxWidth: 720 }}
        >
          <Space wrap align="start">
            <Form.Item
              label={t("admin.clients.id")}
              name="client_id"
              rules={[{ required: true, pattern: USERNAME_PATTERN, message: t("admin.rule.username") }]}
            >
              <Input autoComplete="off" style={{ width: 200 }} />
            </Form.Item>
            <Form.Item
              label={t("admin.clients.agency")}
              name="agency"
              extra={t("admin.rule.agencyHint")}
              rules={[{ required: true, pattern: AGENCY_PATTERN, message: t("admin.rule.agency") }]}
            >
              <Input autoComplete="off" style={{ width: 200 }} />
            </Form.Item>
          </Space>
          <Form.Item label={t("admin.field.name")} name="name" rules={[{ required: true, whitespace: true, max: 200 }]}>
            <Input style={{ maxWidth: 420 }} />
          </Form.Item>
          <Form.Item label={t("admin.clients.secret")} htmlFor="client-secret" extra={t("admin.clients.secretHint")} required>
            <Space.Compact style={{ maxWidth: 420, width: "100%" }}>
              <Form.Item name="client_secret" noStyle rules={[{ required: true, min: 12, max: 200 }]}>
                <Input id="client-secret" autoComplete="off" />
              </Form.Item>
              <Button onClick={() => form.setFieldValue("client_secret", newClientSecret())}>
                {t("admin.clients.regenerate")}
              </Button>
            </Space.Compact>
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={create.isPending}>
            {t("admin.clients.create")}
          </Button>
        </Form>
      </Card>
    </Space>
  );
}
