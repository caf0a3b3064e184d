import { Button, Card, Form, Input, Select, Space, Table, Typography } from "antd";
import { FormattedMessage, useIntl } from "react-intl";
import { Link } from "react-router-dom";

import { showFieldErrors } from "../../common/forms";
import { ProblemAlert } from "../../common/ProblemAlert";
import { useCreateOffice, useFirstStaffPages, useOffices, type Office, type OfficeIn } from "./api";
import { isActive, tally, tallyText } from "./rules";

/** The offices (工商所) and their areas (片区), with how many staff each holds; a new office. */
export function OfficesPage() {
  const intl = useIntl();
  const t = (id: string, values?: Record<string, string | number>) => intl.formatMessage({ id }, values);
  const offices = useOffices();
  // Each office's people as the gateway filters them: the first page is counted, never everyone.
  const officeIds = (offices.data ?? []).map((office) => office.id);
  const staffPages = useFirstStaffPages(officeIds.map((office) => ({ office })));
  const staffOf = (office: string) => tallyText(tally(staffPages[officeIds.indexOf(office)]?.data, isActive));
  const create = useCreateOffice();
  const [form] = Form.useForm<OfficeIn>();

  const onFinish = async (values: OfficeIn) => {
    try {
      await create.mutateAsync({ ...values, id: values.id.trim(), name: values.name.trim() });
      form.resetFields();
    } catch (error) {
      showFieldErrors(form, error);
    }
  };

  return (
    <Space orientation="vertical" style={{ width: "100%" }}>
      <Typography.Title level={1} style={{ fontSize: 20, margin: 0 }}>
        <FormattedMessage id="admin.offices.title" />
      </Typography.Title>
      <ProblemAlert error={offices.error} />
      <Table<Office>
        rowKey="id"
        size="small"
        loading={offices.isPending}
        dataSource={offices.data ?? []}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        locale={{ emptyText: t("shell.empty") }}
        columns={[
          { title: t("admin.offices.id"), dataIndex: "id" },
          { title: t("admin.field.name"), dataIndex: "name" },
          { title: t("admin.offices.area"), dataIndex: "area", render: (area: number) => t("admin.offices.areaN", { area }) },
          {
            title: t("admin.offices.staff"),
            key: "staff",
            render: (_, office) => <Link to={`/admin/users?office=${encodeURIComponent(office.id)}`}>{staffOf(office.id)}</Link>,
          },
        ]}
      />
      <Card title={<Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>{t("admin.offices.new")}</Typography.Title>}>
        <ProblemAlert error={create.error} />
        <Form<OfficeIn> form={form} layout="inline" onFinish={onFinish} initialValues={{ area: 1 }}>
          <Form.Item label={t("admin.offices.id")} name="id" rules={[{ required: true, whitespace: true, max: 64 }]}>
            <Input placeholder={t("admin.offices.idExample")} style={{ width: 160 }} />
          </Form.Item>
          <Form.Item label={t("admin.field.name")} name="name" rules={[{ required: true, whitespace: true, max: 200 }]}>
            <Input style={{ width: 240 }} />
          </Form.Item>
          <Form.Item label={t("admin.offices.area")} name="area" rules={[{ required: true }]}>
            <Select
              style={{ width: 120 }}
              options={[1, 2].map((area) => ({ value: area, label: t("admin.offices.areaN", { area }) }))}
            />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={create.isPending}>
            {t("admin.offices.create")}
          </Button>
        </Form>
      </Card>
    </Space>
  );
}
