import { Button, Form, Input } from "antd";
import { useIntl } from "react-intl";

import { showFieldErrors } from "../../common/forms";
import { bureauToday } from "../../common/deadline";
import type { ActionIn } from "./api";
import { dueNotPast } from "./rules";

/** A corrective action: what, whose (a user id), due by which day (today or later). */
export function ActionForm({
  id,
  onSubmit,
  pending,
  submitLabel,
}: {
  id: string;
  onSubmit: (action: ActionIn) => Promise<unknown>;
  pending: boolean;
  submitLabel: string;
}) {
  const intl = useIntl();
  const t = (key: string) => intl.formatMessage({ id: key });
  const [form] = Form.useForm<ActionIn>();
  const today = bureauToday();
  return (
    <Form<ActionIn>
      form={form}
      layout="vertical"
      name={id}
      onFinish={async (values) => {
        try {
          await onSubmit(values);
          form.resetFields();
        } catch (error) {
          showFieldErrors(form, error);
        }
      }}
    >
      <Form.Item label={t("quality.action.description")} name="description" rules={[{ required: true, whitespace: true, max: 4000 }]}>
        <Input.TextArea rows={2} />
      </Form.Item>
      <Form.Item label={t("quality.action.owner")} name="owner" rules={[{ required: true, whitespace: true, max: 100 }]}>
        <Input style={{ maxWidth: 240 }} />
      </Form.Item>
      <Form.Item
        label={t("quality.action.due")}
        name="due"
        rules={[
          { required: true },
          { validator: async (_, value: string) => (!value || dueNotPast(value, today) ? undefined : Promise.reject(new Error(t("quality.rule.due")))) },
        ]}
      >
        <Input type="date" min={today} style={{ maxWidth: 200 }} />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={pending}>
        {submitLabel}
      </Button>
    </Form>
  );
}
