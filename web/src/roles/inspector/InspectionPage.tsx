import { AimOutlined } from "@ant-design/icons";
import { Button, Card, Form, Input, Select, Space, Typography } from "antd";
import { useState } from "react";
import { FormattedMessage } from "react-intl";
import { useNavigate, useParams } from "react-router-dom";

import { showFieldErrors } from "../../common/forms";
import { ProblemAlert } from "../../common/ProblemAlert";
import { useHousehold, useHouseholds, useRecordInspection } from "./api";
import { Evidence, type Uploaded } from "./Evidence";
import { useSubmissionKey, useText } from "./forms";
import { instantOf, localInput, timesProblem } from "./rules";

interface Values {
  started_at: string;
  ended_at: string;
  households: string[];
  findings: string;
  actions: string[];
}

const ACTIONS = ["checkedLicence", "educated", "orderedCorrection", "photographed", "followUp"] as const;

/** 巡查记录: when, where walked, the households visited, what was found and done, with photos
 * taken on the phone. A record never changes once sent (a correction is its next version). */
export function InspectionPage() {
  const { creditCode = "" } = useParams();
  const t = useText();
  const navigate = useNavigate();
  const [form] = Form.useForm<Values>();
  const household = useHousehold(creditCode);
  const mine = useHouseholds();
  const record = useRecordInspection();
  const submission = useSubmissionKey();
  const [photos, setPhotos] = useState<Uploaded[]>([]);
  const [route, setRoute] = useState<number[][]>([]);
  const [locating, setLocating] = useState<unknown>(null);
  const [initial] = useState(() => {
    const now = new Date();
    return {
      started_at: localInput(new Date(now.getTime() - 30 * 60_000)),
      ended_at: localInput(now),
      households: [creditCode],
      findings: "",
      actions: [],
    };
  });

  const here = () =>
    navigator.geolocation?.getCurrentPosition(
      (position) => setRoute((walked) => [...walked, [position.coords.longitude, position.coords.latitude]]),
      (error) => setLocating(new Error(error.message)),
      { enableHighAccuracy: true, timeout: 15_000 },
    );

  const onFinish = async (values: Values) => {
    try {
      await record.mutateAsync({
        key: submission.key(),
        body: {
          started_at: instantOf(values.started_at) ?? "",
          ended_at: instantOf(values.ended_at) ?? "",
          households: values.households,
          findings: values.findings.trim(),
          actions: values.actions.map((action) => action.trim()).filter(Boolean),
          attachments: photos.map((photo) => photo.attachment.ref),
          route,
        },
      });
      navigate(`/inspector/households/${creditCode}`);
    } catch (error) {
      submission.answered(error);
      showFieldErrors(form, error);
    }
  };

  const options = (mine.data ?? [])
    .filter((h) => h.status !== "cancelled")
    .map((h) => ({ value: h.credit_code, label: h.name ?? h.credit_code }));
  if (!options.some((option) => option.value === creditCode)) {
    options.unshift({ value: creditCode, label: household.data?.name ?? creditCode });
  }

  return (
    <Card
      title={
        <Typography.Title level={1} style={{ fontSize: 20, margin: 0, whiteSpace: "normal" }}>
          {t("inspector.inspection.title", { name: household.data?.name ?? creditCode })}
        </Typography.Title>
      }
    >
      <ProblemAlert error={record.error ?? household.error} />
      <Form<Values> form={form} layout="vertical" initialValues={initial} onFinish={onFinish} style={{ maxWidth: 720 }}>
        <Space wrap>
          <Form.Item
            label={t("inspector.inspection.started")}
            name="started_at"
            rules={[{ required: true, message: t("inspector.inspection.rule.times") }]}
          >
            <Input type="datetime-local" />
          </Form.Item>
          <Form.Item
            label={t("inspector.inspection.ended")}
            name="ended_at"
            dependencies={["started_at"]}
            rules={[
              ({ getFieldValue }) => ({
                validator: async (_, ended: string) => {
                  const problem = timesProblem(getFieldValue("started_at"), ended);
                  if (problem) throw new Error(t(problem));
                },
              }),
            ]}
          >
            <Input type="datetime-local" />
          </Form.Item>
        </Space>
        <Form.Item label={t("inspector.inspection.households")} name="households" rules={[{ required: true }]}>
          <Select mode="multiple" optionFilterProp="label" options={options} />
        </Form.Item>
        <Form.Item
          label={t("inspector.inspection.findings")}
          name="findings"
          rules={[{ required: true, whitespace: true, message: t("inspector.inspection.rule.findings") }, { max: 10_000 }]}
        >
          <Input.TextArea rows={4} />
        </Form.Item>
        <Form.Item label={t("inspector.inspection.actions")} name="actions" extra={t("inspector.inspection.actionsHint")}>
          <Select mode="tags" options={ACTIONS.map((action) => ({ value: t(`inspector.action.${action}`), label: t(`inspector.action.${action}`) }))} />
        </Form.Item>
        <Form.Item label={t("inspector.inspection.photos")}>
          <Evidence value={photos} onChange={setPhotos} />
        </Form.Item>
        <Form.Item label={t("inspector.inspection.route")} extra={t("inspector.inspection.routeHint", { count: route.length })}>
          <Button icon={<AimOutlined />} onClick={here} disabled={!("geolocation" in navigator)}>
            <FormattedMessage id="inspector.inspection.here" />
          </Button>
          <ProblemAlert error={locating} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={record.isPending}>
          <FormattedMessage id="inspector.inspection.submit" />
        </Button>
      </Form>
    </Card>
  );
}
