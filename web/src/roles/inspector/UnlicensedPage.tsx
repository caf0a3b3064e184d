import { AimOutlined } from "@ant-design/icons";
import { Button, Card, Descriptions, Form, Input, InputNumber, Result, Space, Typography } from "antd";
import { useState } from "react";
import { FormattedMessage, useIntl } from "react-intl";
import { Link } from "react-router-dom";

import { ProblemAlert } from "../../common/ProblemAlert";
import { showFieldErrors } from "../../common/forms";
import { useReportUnlicensed } from "./api";
import { useSubmissionKey, useText } from "./forms";

interface Values {
  address: { text: string; community_code: string; location?: { lon?: number | null; lat?: number | null } };
  description: string;
}

/** 无照经营: a trader without a licence found in the street; the mobile licensing van is told
 * where to call, and the finding may go to enforcement as a case source. */
export function UnlicensedPage() {
  const intl = useIntl();
  const t = useText();
  const [form] = Form.useForm<Values>();
  const report = useReportUnlicensed();
  const submission = useSubmissionKey();
  const [locating, setLocating] = useState<unknown>(null);

  const here = () =>
    navigator.geolocation?.getCurrentPosition(
      (position) =>
        form.setFieldsValue({
          address: { location: { lon: Number(position.coords.longitude.toFixed(6)), lat: Number(position.coords.latitude.toFixed(6)) } },
        }),
      (error) => setLocating(new Error(error.message)),
      { enableHighAccuracy: true, timeout: 15_000 },
    );

  const onFinish = async (values: Values) => {
    const { lon, lat } = values.address.location ?? {};
    try {
      await report.mutateAsync({
        key: submission.key(),
        body: {
          address: {
            text: values.address.text.trim(),
            community_code: values.address.community_code.trim(),
            location: typeof lon === "number" && typeof lat === "number" ? { lon, lat } : null,
          },
          description: values.description.trim(),
        },
      });
    } catch (error) {
      submission.answered(error);
      showFieldErrors(form, error);
    }
  };

  const title = (
    <Typography.Title level={1} style={{ fontSize: 20, margin: 0 }}>
      {t("inspector.unlicensed.title")}
    </Typography.Title>
  );
  if (report.data) {
    const found = report.data;
    return (
      <Card title={title}>
        <Result status="success" title={t("inspector.unlicensed.done")} subTitle={t("inspector.unlicensed.doneHint")} />
        <Descriptions column={1} size="small" bordered style={{ marginBottom: 16 }}>
          <Descriptions.Item label={t("inspector.field.address")}>{String(found.address.text ?? "")}</Descriptions.Item>
          <Descriptions.Item label={t("inspector.unlicensed.description")}>{found.description}</Descriptions.Item>
          <Descriptions.Item label={t("inspector.unlicensed.foundAt")}>{new Date(found.found_at).toLocaleString(intl.locale)}</Descriptions.Item>
        </Descriptions>
        <Space wrap>
          <Link to={`/inspector/case-transfers/new?finding_id=${found.finding_id}`}>
            <Button type="primary">{t("inspector.transfer.new")}</Button>
          </Link>
          <Button
            onClick={() => {
              report.reset();
              form.resetFields();
            }}
          >
            <FormattedMessage id="inspector.unlicensed.another" />
          </Button>
        </Space>
      </Card>
    );
  }
  return (
    <Card title={title}>
      <ProblemAlert error={report.error} />
      <Form<Values> form={form} layout="vertical" onFinish={onFinish} style={{ maxWidth: 720 }}>
        <Form.Item label={t("inspector.field.address")} name={["address", "text"]} rules={[{ required: true, whitespace: true }, { max: 500 }]}>
          <Input />
        </Form.Item>
        <Form.Item
          label={t("inspector.field.community")}
          name={["address", "community_code"]}
          rules={[{ required: true, pattern: /^[0-9]{12}$/, message: t("inspector.rule.community") }]}
        >
          <Input style={{ maxWidth: 200 }} inputMode="numeric" />
        </Form.Item>
        <Space wrap align="end">
          <Form.Item label={t("inspector.field.lon")} name={["address", "location", "lon"]}>
            <InputNumber min={-180} max={180} step={0.0001} style={{ width: 160 }} />
          </Form.Item>
          <Form.Item label={t("inspector.field.lat")} name={["address", "location", "lat"]}>
            <InputNumber min={-90} max={90} step={0.0001} style={{ width: 160 }} />
          </Form.Item>
          <Form.Item>
            <Button icon={<AimOutlined />} onClick={here} disabled={!("geolocation" in navigator)}>
              <FormattedMessage id="inspector.inspection.here" />
            </Button>
          </Form.Item>
        </Space>
        <ProblemAlert error={locating} />
        <Form.Item
          label={t("inspector.unlicensed.description")}
          name="description"
          rules={[{ required: true, whitespace: true }, { max: 5000 }]}
        >
          <Input.TextArea rows={4} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={report.isPending}>
          <FormattedMessage id="inspector.unlicensed.submit" />
        </Button>
      </Form>
    </Card>
  );
}
