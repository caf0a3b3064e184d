import { Button, Form, Input, Space } from "antd";
import { useIntl } from "react-intl";
import { useNavigate } from "react-router-dom";

import { caseNumber } from "./rules";

/** Open a case by its number (as the filing answered it, or pasted from a document). */
export function OpenCaseForm() {
  const intl = useIntl();
  const t = (key: string) => intl.formatMessage({ id: key });
  const navigate = useNavigate();
  const [form] = Form.useForm<{ number: string }>();
  return (
    <Form
      form={form}
      layout="inline"
      onFinish={({ number }) => {
        const id = caseNumber(number);
        if (id) navigate(`/enforcement/cases/${id}`);
      }}
    >
      <Space wrap align="start">
        <Form.Item
          label={t("enforcement.cases.number")}
          name="number"
          rules={[
            {
              validator: async (_, value: string | undefined) => {
                if (!caseNumber(value ?? "")) throw new Error(t("enforcement.rule.caseNumber"));
              },
            },
          ]}
        >
          <Input style={{ width: 360 }} autoComplete="off" />
        </Form.Item>
        <Button htmlType="submit">{t("enforcement.cases.open")}</Button>
      </Space>
    </Form>
  );
}
