import { Button, Card, Form, Input, Radio } from "antd";
import { useIntl } from "react-intl";
import { useNavigate } from "react-router-dom";

import { showFieldErrors } from "../../common/forms";
import { ProblemAlert } from "../../common/ProblemAlert";
import { useHandIn, type CaseSourceIn } from "./api";
import { EvidenceField } from "./CaseSourcePage";
import { HAND_DEPARTMENTS, parseEvidence } from "./rules";
import { PageTitle } from "./Titles";

interface Values {
  source_department: CaseSourceIn["source_department"];
  credit_code?: string;
  office_id?: string;
  allegation: string;
  evidence?: string;
}

const CREDIT_CODE = /^[0-9ABCDEFGHJKLMNPQRTUWXY]{18}$/;

/** A case source from trademark, advertising or market, entered at the sub-bureau's desk. */
export function NewCaseSourcePage() {
  const intl = useIntl();
  const t = (key: string) => intl.formatMessage({ id: key });
  const navigate = useNavigate();
  const [form] = Form.useForm<Values>();
  const handIn = useHandIn();

  const onFinish = async ({ evidence, credit_code, office_id, ...values }: Values) => {
    try {
      const source = await handIn.mutateAsync({
        ...values,
        credit_code: credit_code?.trim() || null,
        office_id: office_id?.trim() || null,
        evidence: parseEvidence(evidence).refs,
      });
      navigate(`/enforcement/case-sources/${source.id}`);
    } catch (error) {
      showFieldErrors(form, error);
    }
  };

  return (
    <Card title={<PageTitle>{t("enforcement.new.title")}</PageTitle>}>
      <ProblemAlert error={handIn.error} />
      <Form<Values> form={form} layout="vertical" onFinish={onFinish} initialValues={{ source_department: "market" }} style={{ maxWidth: 720 }}>
        <Form.Item label={t("enforcement.field.department")} name="source_department">
          <Radio.Group options={HAND_DEPARTMENTS.map((value) => ({ value, label: t(`enforcement.department.${value}`) }))} />
        </Form.Item>
        <Form.Item
          label={t("enforcement.field.creditCode")}
          name="credit_code"
          extra={t("enforcement.new.creditCodeHint")}
          rules={[{ pattern: CREDIT_CODE, message: t("enforcement.rule.creditCode") }]}
        >
          <Input style={{ width: 260 }} autoComplete="off" />
        </Form.Item>
        <Form.Item label={t("enforcement.field.office")} name="office_id" extra={t("enforcement.new.officeHint")}>
          <Input style={{ width: 200 }} autoComplete="off" />
        </Form.Item>
        <Form.Item
          label={t("enforcement.field.allegation")}
          name="allegation"
          rules={[{ required: true, whitespace: true, message: t("enforcement.rule.required") }, { max: 5000 }]}
        >
          <Input.TextArea rows={5} />
        </Form.Item>
        <EvidenceField />
        <Button type="primary" htmlType="submit" loading={handIn.isPending}>
          {t("enforcement.new.submit")}
        </Button>
      </Form>
    </Card>
  );
}
