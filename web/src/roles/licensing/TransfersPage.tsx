import { App, Button, Card, Form, Input, Space, Typography } from "antd";
import { useRef } from "react";
import { useIntl } from "react-intl";
import { useSearchParams } from "react-router-dom";

import { ApiProblem } from "../../api/problems";
import { showFieldErrors } from "../../common/forms";
import { ProblemAlert } from "../../common/ProblemAlert";
import { DiscoveredOnField, TransfersTable } from "../../common/transfers/TransfersTable";
import { useCaseTransfers, useTransferCaseSource } from "./api";

interface Values {
  credit_code?: string;
  application_id?: string;
  allegation: string;
  discovered_on?: string;
}

const CREDIT_CODE = /^[0-9A-HJ-NPQRTUWXY]{18}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** 案源移送 from the window (forged signatures, false registered capital…), and every case source
 * the window transferred with what enforcement reported of it (通报备案). */
export function TransfersPage() {
  const intl = useIntl();
  const t = (id: string) => intl.formatMessage({ id });
  const { message } = App.useApp();
  const creditCode = useSearchParams()[0].get("credit_code") ?? "";
  const transfers = useCaseTransfers();
  const transfer = useTransferCaseSource();
  const [form] = Form.useForm<Values>();
  // One key a submission: a retry after a lost answer transfers nothing twice.
  const key = useRef(crypto.randomUUID());

  const onFinish = async (values: Values) => {
    try {
      await transfer.mutateAsync({
        key: key.current,
        body: {
          credit_code: values.credit_code?.trim() || null,
          application_id: values.application_id?.trim() || null,
          allegation: values.allegation.trim(),
          discovered_on: values.discovered_on || null,
        },
      });
      key.current = crypto.randomUUID();
      form.resetFields();
      message.success(t("licensing.transfers.done"));
    } catch (error) {
      if (error instanceof ApiProblem) key.current = crypto.randomUUID();
      showFieldErrors(form, error);
    }
  };

  const either = ({ getFieldValue }: { getFieldValue: (name: string) => unknown }) => ({
    validator: async () => {
      if (!String(getFieldValue("credit_code") ?? "").trim() && !String(getFieldValue("application_id") ?? "").trim()) {
        throw new Error(t("licensing.transfers.either"));
      }
    },
  });
  return (
    <Space orientation="vertical" style={{ width: "100%" }} size="large">
      <Card
        title={
          <Typography.Title level={1} style={{ fontSize: 20, margin: 0 }}>
            {t("transfers.new")}
          </Typography.Title>
        }
      >
        <ProblemAlert error={transfer.error} />
        <Form<Values> form={form} layout="vertical" onFinish={onFinish} initialValues={{ credit_code: creditCode }} style={{ maxWidth: 720 }}>
          <Space wrap align="start">
            <Form.Item
              label={t("transfers.creditCode")}
              name="credit_code"
              dependencies={["application_id"]}
              rules={[{ pattern: CREDIT_CODE, message: t("licensing.transfers.creditCode") }, either]}
            >
              <Input style={{ width: 260 }} />
            </Form.Item>
            <Form.Item
              label={t("licensing.transfers.applicationId")}
              name="application_id"
              dependencies={["credit_code"]}
              rules={[{ pattern: UUID, message: t("licensing.transfers.applicationIdRule") }]}
            >
              <Input style={{ width: 340 }} />
            </Form.Item>
          </Space>
          <Form.Item
            label={t("transfers.allegation")}
            name="allegation"
            rules={[{ required: true, whitespace: true, message: t("licensing.transfers.allegationRequired") }, { max: 2000 }]}
          >
            <Input.TextArea rows={3} />
          </Form.Item>
          <DiscoveredOnField />
          <Button type="primary" htmlType="submit" loading={transfer.isPending}>
            {t("licensing.transfers.submit")}
          </Button>
        </Form>
      </Card>
      <Card
        title={
          <Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>
            {t("transfers.title")}
          </Typography.Title>
        }
      >
        <Typography.Paragraph type="secondary">{t("transfers.hint")}</Typography.Paragraph>
        <ProblemAlert error={transfers.error} />
        <TransfersTable rows={transfers.data ?? []} loading={transfers.isPending} />
      </Card>
    </Space>
  );
}
