import { Button, Card, Descriptions, Form, Input, Result, Typography } from "antd";
import { useState } from "react";
import { FormattedMessage, useIntl } from "react-intl";
import { Link, useSearchParams } from "react-router-dom";

import { ProblemAlert } from "../../common/ProblemAlert";
import { DiscoveredOnField } from "../../common/transfers/TransfersTable";
import { showFieldErrors } from "../../common/forms";
import { useFinding, useHousehold, useTransferCaseSource } from "./api";
import { Evidence, type Uploaded } from "./Evidence";
import { useSubmissionKey, useText } from "./forms";

interface Values {
  credit_code?: string;
  allegation: string;
  discovered_on?: string;
}

/** 案源移送: a case source for enforcement, about a household or an unlicensed trader found in
 * the street, with the evidence (photos, documents) it rests on. */
export function TransferPage({ base = "/inspector" }: { base?: string }) {
  const intl = useIntl();
  const t = useText();
  const [search] = useSearchParams();
  const creditCode = search.get("credit_code");
  const findingId = search.get("finding_id");
  const household = useHousehold(creditCode ?? "");
  const finding = useFinding(findingId);
  const transfer = useTransferCaseSource();
  const submission = useSubmissionKey();
  const [form] = Form.useForm<Values>();
  const [evidence, setEvidence] = useState<Uploaded[]>([]);

  const onFinish = async (values: Values) => {
    try {
      await transfer.mutateAsync({
        key: submission.key(),
        body: {
          credit_code: findingId ? null : (values.credit_code ?? creditCode ?? "").trim() || null,
          finding_id: findingId,
          allegation: values.allegation.trim(),
          evidence: evidence.map((item) => item.attachment.ref),
          discovered_on: values.discovered_on || null,
        },
      });
    } catch (error) {
      submission.answered(error);
      showFieldErrors(form, error);
    }
  };

  const title = (
    <Typography.Title level={1} style={{ fontSize: 20, margin: 0 }}>
      {t("inspector.transfer.title")}
    </Typography.Title>
  );
  if (transfer.data) {
    const sent = transfer.data;
    return (
      <Card title={title}>
        <Result
          status="success"
          title={t("inspector.transfer.done")}
          subTitle={t("inspector.transfer.doneHint")}
          extra={
            creditCode ? (
              <Link to={`${base}/households/${creditCode}`}>
                <Button type="primary">{t("inspector.transfer.back")}</Button>
              </Link>
            ) : (
              <Link to={`${base}/case-transfers`}>
                <Button type="primary">{t("transfers.title")}</Button>
              </Link>
            )
          }
        />
        <Descriptions column={1} size="small" bordered>
          <Descriptions.Item label={t("inspector.transfer.caseSource")}>
            <span data-testid="case-source-id">{sent.case_source_id}</span>
          </Descriptions.Item>
          <Descriptions.Item label={t("inspector.transfer.allegation")}>{sent.allegation}</Descriptions.Item>
          <Descriptions.Item label={t("inspector.transfer.evidence")}>{sent.evidence.length}</Descriptions.Item>
          <Descriptions.Item label={t("inspector.transfer.at")}>{new Date(sent.transferred_at).toLocaleString(intl.locale)}</Descriptions.Item>
          <Descriptions.Item label={t("transfers.discoveredOn")}>
            <span data-testid="discovered-on">{sent.discovered_on ?? "—"}</span>
          </Descriptions.Item>
        </Descriptions>
      </Card>
    );
  }
  return (
    <Card title={title}>
      <ProblemAlert error={transfer.error ?? (findingId ? finding.error : null)} />
      <Form<Values> form={form} layout="vertical" onFinish={onFinish} initialValues={{ credit_code: creditCode ?? "" }} style={{ maxWidth: 720 }}>
        {findingId ? (
          <Descriptions column={1} size="small" style={{ marginBottom: 16 }}>
            <Descriptions.Item label={t("inspector.transfer.finding")}>{finding.data?.description ?? findingId}</Descriptions.Item>
            <Descriptions.Item label={t("inspector.field.address")}>{String(finding.data?.address.text ?? "")}</Descriptions.Item>
          </Descriptions>
        ) : (
          <Form.Item
            label={t("inspector.field.creditCode")}
            name="credit_code"
            extra={household.data?.name ?? undefined}
            rules={[{ required: true, pattern: /^[0-9A-HJ-NPQRTUWXY]{18}$/, message: t("inspector.rule.creditCode") }]}
          >
            <Input style={{ maxWidth: 260 }} readOnly={Boolean(creditCode)} />
          </Form.Item>
        )}
        <Form.Item
          label={t("inspector.transfer.allegation")}
          name="allegation"
          rules={[{ required: true, whitespace: true }, { max: 5000 }]}
        >
          <Input.TextArea rows={4} />
        </Form.Item>
        <DiscoveredOnField />
        <Form.Item label={t("inspector.transfer.evidence")} extra={t("inspector.transfer.evidenceHint")}>
          <Evidence value={evidence} onChange={setEvidence} documents />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={transfer.isPending}>
          <FormattedMessage id="inspector.transfer.submit" />
        </Button>
      </Form>
    </Card>
  );
}
