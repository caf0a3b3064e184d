import { Button, Card, Form, Input, Space, Typography } from "antd";
import { FormattedMessage, useIntl } from "react-intl";
import { useNavigate } from "react-router-dom";

import { showFieldErrors } from "../../common/forms";
import { ProblemAlert } from "../../common/ProblemAlert";
import { useCreateUser } from "./api";
import { PersonFields } from "./fields";
import { passwordProblems, USERNAME_PATTERN } from "./rules";

interface Values {
  username: string;
  password: string;
  name: string;
  roles: string[];
  office?: string;
}

/** A new staff member: their sign-in name, a first password, their roles and office. */
export function NewUserPage() {
  const intl = useIntl();
  const t = (id: string, values?: Record<string, string | number>) => intl.formatMessage({ id }, values);
  const navigate = useNavigate();
  const [form] = Form.useForm<Values>();
  const create = useCreateUser();

  const onFinish = async (values: Values) => {
    try {
      const user = await create.mutateAsync({
        username: values.username,
        password: values.password,
        name: values.name.trim(),
        roles: values.roles,
        office: values.office?.trim() || null,
      });
      navigate(`/admin/users/${user.username}`);
    } catch (error) {
      showFieldErrors(form, error);
    }
  };

  return (
    <Card
      title={
        <Typography.Title level={1} style={{ fontSize: 20, margin: 0 }}>
          <FormattedMessage id="admin.users.new" />
        </Typography.Title>
      }
    >
      <ProblemAlert error={create.error} />
      <Form<Values> form={form} layout="vertical" onFinish={onFinish} initialValues={{ roles: [] }} style={{ maxWidth: 720 }}>
        <Form.Item
          label={t("admin.field.username")}
          name="username"
          extra={t("admin.rule.username")}
          rules={[{ required: true, pattern: USERNAME_PATTERN, message: t("admin.rule.username") }]}
        >
          <Input autoComplete="off" style={{ maxWidth: 320 }} />
        </Form.Item>
        <Form.Item
          label={t("admin.field.password")}
          name="password"
          dependencies={["username"]}
          extra={t("admin.rule.password")}
          rules={[
            { required: true },
            ({ getFieldValue }) => ({
              validator: async (_, password?: string) => {
                const problems = passwordProblems(getFieldValue("username") ?? "", password ?? "");
                if (password && problems.length) {
                  throw new Error(problems.map((problem) => t(`admin.rule.password.${problem}`)).join("; "));
                }
              },
            }),
          ]}
        >
          <Input.Password autoComplete="new-password" style={{ maxWidth: 320 }} />
        </Form.Item>
        <PersonFields />
        <Space>
          <Button type="primary" htmlType="submit" loading={create.isPending}>
            <FormattedMessage id="admin.users.create" />
          </Button>
          <Button onClick={() => navigate("/admin/users")}>{t("shell.cancel")}</Button>
        </Space>
      </Form>
    </Card>
  );
}
