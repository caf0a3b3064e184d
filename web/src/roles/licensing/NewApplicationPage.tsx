import { Alert, Button, Card, Checkbox, Form, Input, InputNumber, Select, Space, Typography } from "antd";
import { FormattedMessage, useIntl } from "react-intl";
import { useNavigate, useSearchParams } from "react-router-dom";

import { showFieldErrors } from "../../common/forms";
import { ProblemAlert } from "../../common/ProblemAlert";
import { useRequirements, useScopeCatalogue, useSubmit, type ApplicationIn, type EntityType, type Kind } from "./api";
import { ENTITY_TYPES, KINDS, missingMaterials, partnersNeeded } from "./rules";

interface Values {
  kind: Kind;
  entity_type: EntityType;
  name: string;
  operator: { name: string; id_number: string };
  address: { text: string; community_code: string; lon?: number; lat?: number };
  business_scope: string[];
  registered_capital?: number;
  materials: string[];
}

/** A new application, driven by the requirements and the scope catalogue: what is missing shows at once. */
export function NewApplicationPage() {
  const intl = useIntl();
  const t = (id: string) => intl.formatMessage({ id });
  const navigate = useNavigate();
  // From the van's visit list: the unlicensed-trading finding this registration resolves.
  const finding = useSearchParams()[0].get("finding");
  const [form] = Form.useForm<Values>();
  const kind = Form.useWatch("kind", form) ?? "establishment";
  const entityType = Form.useWatch("entity_type", form) ?? "individual_business";
  const materials = Form.useWatch("materials", form) ?? [];
  const scope = Form.useWatch("business_scope", form) ?? [];
  const requirements = useRequirements(entityType, kind);
  const catalogue = useScopeCatalogue();
  const submit = useSubmit();
  const required = requirements.data?.materials ?? [];
  const missing = missingMaterials(required, materials);
  const partners = partnersNeeded(catalogue.data ?? [], scope);

  const onFinish = async (values: Values) => {
    const body: ApplicationIn = {
      ...values,
      channel: finding ? "mobile" : "window",
      finding_id: finding,
      registered_capital: values.registered_capital ?? null,
    };
    try {
      const application = await submit.mutateAsync(body);
      navigate(`/licensing/applications/${application.id}`);
    } catch (error) {
      showFieldErrors(form, error);
    }
  };

  return (
    <Card title={<Typography.Title level={1} style={{ fontSize: 20, margin: 0 }}>{t("licensing.new.title")}</Typography.Title>}>
      <ProblemAlert error={submit.error} />
      <Form<Values>
        form={form}
        layout="vertical"
        onFinish={onFinish}
        initialValues={{ kind: "establishment", entity_type: "individual_business", materials: [], business_scope: [] }}
        style={{ maxWidth: 720 }}
      >
        <Space wrap>
          <Form.Item label={t("licensing.field.kind")} name="kind">
            <Select style={{ width: 200 }} options={KINDS.map((value) => ({ value, label: t(`licensing.kind.${value}`) }))} />
          </Form.Item>
          <Form.Item label={t("licensing.field.entityType")} name="entity_type">
            <Select
              style={{ width: 240 }}
              options={ENTITY_TYPES.map((value) => ({ value, label: t(`licensing.entity.${value}`) }))}
            />
          </Form.Item>
        </Space>
        <Form.Item label={t("licensing.field.name")} name="name" rules={[{ required: kind === "establishment", max: 200 }]}>
          <Input />
        </Form.Item>
        <Space wrap>
          <Form.Item label={t("licensing.field.operator")} name={["operator", "name"]} rules={[{ required: true }]}>
            <Input />
          </Form.Item>
          <Form.Item
            label={t("licensing.field.idNumber")}
            name={["operator", "id_number"]}
            rules={[{ required: true, pattern: /^[0-9]{17}[0-9X]$/, message: t("licensing.rule.idNumber") }]}
          >
            <Input style={{ width: 240 }} />
          </Form.Item>
        </Space>
        <Form.Item label={t("licensing.field.address")} name={["address", "text"]} rules={[{ required: true }]}>
          <Input />
        </Form.Item>
        <Space wrap>
          <Form.Item
            label={t("licensing.field.community")}
            name={["address", "community_code"]}
            rules={[{ required: true, pattern: /^[0-9]{12}$/, message: t("licensing.rule.community") }]}
          >
            <Input style={{ width: 180 }} />
          </Form.Item>
          <Form.Item label={t("licensing.field.lon")} name={["address", "lon"]}>
            <InputNumber min={-180} max={180} step={0.0001} />
          </Form.Item>
          <Form.Item label={t("licensing.field.lat")} name={["address", "lat"]}>
            <InputNumber min={-90} max={90} step={0.0001} />
          </Form.Item>
        </Space>
        <Form.Item label={t("licensing.field.scope")} name="business_scope">
          <Select
            mode="multiple"
            optionFilterProp="label"
            options={(catalogue.data ?? []).map((item) => ({ value: item.code, label: item.name }))}
          />
        </Form.Item>
        {partners.length > 0 && (
          <Alert
            type="info"
            showIcon
            style={{ marginBottom: 16 }}
            title={intl.formatMessage({ id: "licensing.new.partners" }, { agencies: partners.map((a) => t(`licensing.agency.${a}`)).join("、") })}
          />
        )}
        {requirements.data?.registered_capital_required && (
          <Form.Item label={t("licensing.field.capital")} name="registered_capital" rules={[{ required: true }]}>
            <InputNumber min={0.01} style={{ width: 200 }} />
          </Form.Item>
        )}
        <Form.Item label={t("licensing.field.materials")} name="materials">
          <Checkbox.Group options={required.map((material) => ({ value: material.code, label: material.name }))} />
        </Form.Item>
        {missing.length > 0 ? (
          <Alert
            type="warning"
            showIcon
            role="status"
            style={{ marginBottom: 16 }}
            title={t("licensing.new.missing")}
            description={required.filter((m) => missing.includes(m.code)).map((m) => m.name).join("；")}
          />
        ) : (
          required.length > 0 && (
            <Alert type="success" showIcon role="status" style={{ marginBottom: 16 }} title={t("licensing.new.complete")} />
          )
        )}
        <Button type="primary" htmlType="submit" loading={submit.isPending}>
          <FormattedMessage id="licensing.new.submit" />
        </Button>
      </Form>
    </Card>
  );
}
