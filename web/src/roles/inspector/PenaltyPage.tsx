import { Alert, App, Button, Card, Checkbox, Form, Input, InputNumber, Radio, Space, Table, Typography } from "antd";
import { useEffect, useState } from "react";
import { FormattedMessage, useIntl } from "react-intl";
import { Link, useNavigate, useSearchParams } from "react-router-dom";

import { DeadlineTag } from "../../common/DeadlineTag";
import { bureauToday } from "../../common/deadline";
import { ProblemAlert } from "../../common/ProblemAlert";
import { StepModal } from "../enforcement/StepModal";
import { showFieldErrors } from "../../common/forms";
import { useCashHandover, useHousehold, useImposePenalty, usePenalties, type Penalty, type PenaltyIn } from "./api";
import { useSubmissionKey, useText } from "./forms";
import { fineCap, ON_THE_SPOT_LIMITS, onTheSpotRefusal, type PartyKind, type PenaltyKind } from "./rules";

interface Values {
  party: { kind: PartyKind; name: string; id_number?: string; credit_code?: string };
  penalty: { kind: PenaltyKind; amount?: number | null };
  collected_on_spot: boolean;
  facts: string;
  legal_basis: string;
}

/** 当场处罚: the limits of the simple procedure first, then the decision; what lies beyond them
 * is refused here as the service would refuse it, with the way to the general procedure. */
export function PenaltyPage({ base = "/inspector" }: { base?: string }) {
  const t = useText();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const creditCode = useSearchParams()[0].get("credit_code");
  const household = useHousehold(creditCode ?? "");
  const impose = useImposePenalty();
  const submission = useSubmissionKey();
  const [form] = Form.useForm<Values>();
  const party = Form.useWatch(["party", "kind"], form) ?? "organisation";
  const kind = Form.useWatch(["penalty", "kind"], form) ?? "warning";
  const amount = Form.useWatch(["penalty", "amount"], form);
  const cash = Form.useWatch("collected_on_spot", form) ?? false;
  const refusal = onTheSpotRefusal(party, kind, kind === "fine" ? amount : null, kind === "fine" && cash);

  // The household's name and credit code, once known, as the organisation penalised.
  useEffect(() => {
    if (creditCode && household.data && !form.isFieldTouched(["party", "name"])) {
      form.setFieldsValue({ party: { kind: "organisation", name: household.data.name ?? "", credit_code: creditCode } });
    }
  }, [creditCode, household.data, form]);

  const onFinish = async (values: Values) => {
    const fine = values.penalty.kind === "fine";
    const body: PenaltyIn = {
      party:
        values.party.kind === "citizen"
          ? { kind: "citizen", name: values.party.name.trim(), id_number: (values.party.id_number ?? "").trim() }
          : { kind: "organisation", name: values.party.name.trim(), credit_code: (values.party.credit_code ?? "").trim() },
      penalty: { kind: values.penalty.kind, amount: fine ? (values.penalty.amount ?? null) : null },
      collected_on_spot: fine && values.collected_on_spot,
      facts: values.facts.trim(),
      legal_basis: values.legal_basis.trim(),
    };
    try {
      await impose.mutateAsync({ body, key: submission.key() });
      message.success(t("inspector.penalty.done"));
      navigate(creditCode ? `${base}/households/${creditCode}` : `${base}/penalties`);
    } catch (error) {
      submission.answered(error);
      showFieldErrors(form, error);
    }
  };

  const transfer = `${base}/case-transfers/new${creditCode ? `?credit_code=${creditCode}` : ""}`;
  return (
    <Card
      title={
        <Typography.Title level={1} style={{ fontSize: 20, margin: 0 }}>
          {t("inspector.penalty.title")}
        </Typography.Title>
      }
    >
      <Alert
        type="info"
        showIcon
        style={{ marginBottom: 16 }}
        title={t("inspector.penalty.limitsTitle")}
        description={
          <ul style={{ margin: 0, paddingInlineStart: 20 }} data-testid="penalty-limits">
            <li>{t("inspector.penalty.limitCitizen", { cap: ON_THE_SPOT_LIMITS.citizenFineMax })}</li>
            <li>{t("inspector.penalty.limitOrganisation", { cap: ON_THE_SPOT_LIMITS.organisationFineMax })}</li>
            <li>{t("inspector.penalty.limitCash", { cap: ON_THE_SPOT_LIMITS.cashMax })}</li>
            <li>{t("inspector.penalty.limitBeyond")}</li>
          </ul>
        }
      />
      <ProblemAlert error={impose.error} />
      <Form<Values>
        form={form}
        layout="vertical"
        onFinish={onFinish}
        initialValues={{ party: { kind: "organisation" }, penalty: { kind: "warning" }, collected_on_spot: false }}
        style={{ maxWidth: 720 }}
      >
        <Form.Item label={t("inspector.penalty.partyKind")} name={["party", "kind"]}>
          <Radio.Group
            optionType="button"
            options={(["organisation", "citizen"] as const).map((value) => ({ value, label: t(`inspector.party.${value}`) }))}
          />
        </Form.Item>
        <Form.Item label={t("inspector.penalty.partyName")} name={["party", "name"]} rules={[{ required: true, whitespace: true }]}>
          <Input />
        </Form.Item>
        {party === "citizen" ? (
          <Form.Item
            label={t("inspector.penalty.idNumber")}
            name={["party", "id_number"]}
            rules={[{ required: true, pattern: /^[0-9]{17}[0-9Xx]$/, message: t("inspector.rule.idNumber") }]}
          >
            <Input style={{ maxWidth: 260 }} />
          </Form.Item>
        ) : (
          <Form.Item
            label={t("inspector.field.creditCode")}
            name={["party", "credit_code"]}
            rules={[{ required: true, pattern: /^[0-9A-HJ-NPQRTUWXY]{18}$/, message: t("inspector.rule.creditCode") }]}
          >
            <Input style={{ maxWidth: 260 }} />
          </Form.Item>
        )}
        <Form.Item label={t("inspector.penalty.kind")} name={["penalty", "kind"]}>
          <Radio.Group
            optionType="button"
            options={(["warning", "fine"] as const).map((value) => ({ value, label: t(`inspector.penaltyKind.${value}`) }))}
          />
        </Form.Item>
        {kind === "fine" && (
          <Space wrap align="start">
            <Form.Item
              label={t("inspector.penalty.amount", { cap: fineCap(party) })}
              name={["penalty", "amount"]}
              validateStatus={refusal?.field === "penalty.amount" ? "error" : undefined}
              help={refusal?.field === "penalty.amount" ? <RefusalText reason={refusal.reason} values={refusal.values} /> : undefined}
            >
              <InputNumber min={0} precision={2} step={10} style={{ width: 200 }} />
            </Form.Item>
            <Form.Item
              name="collected_on_spot"
              valuePropName="checked"
              style={{ paddingTop: 30 }}
              validateStatus={refusal?.field === "collected_on_spot" ? "error" : undefined}
              help={refusal?.field === "collected_on_spot" ? <RefusalText reason={refusal.reason} values={refusal.values} /> : undefined}
            >
              <Checkbox>{t("inspector.penalty.cash", { cap: ON_THE_SPOT_LIMITS.cashMax })}</Checkbox>
            </Form.Item>
          </Space>
        )}
        {refusal && (kind === "fine" ? amount !== null && amount !== undefined : true) && (
          <Alert
            type="warning"
            showIcon
            role="status"
            style={{ marginBottom: 16 }}
            title={<RefusalText reason={refusal.reason} values={refusal.values} />}
            description={
              refusal.reason.startsWith("inspector.penalty.refusal.cap") ? (
                <Link to={transfer}>{t("inspector.penalty.transferInstead")}</Link>
              ) : undefined
            }
          />
        )}
        <Form.Item label={t("inspector.penalty.facts")} name="facts" rules={[{ required: true, whitespace: true }, { max: 5000 }]}>
          <Input.TextArea rows={3} />
        </Form.Item>
        <Form.Item
          label={t("inspector.penalty.legalBasis")}
          name="legal_basis"
          rules={[{ required: true, whitespace: true }, { max: 1000 }]}
        >
          <Input.TextArea rows={2} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={impose.isPending} disabled={refusal !== null}>
          <FormattedMessage id="inspector.penalty.submit" />
        </Button>
      </Form>
    </Card>
  );
}

function RefusalText({ reason, values }: { reason: string; values?: Record<string, number> }) {
  return <FormattedMessage id={reason} values={values} />;
}

/** My on-the-spot penalties, the newest first. */
export function PenaltiesPage({ base = "/inspector" }: { base?: string }) {
  const intl = useIntl();
  const t = useText();
  const penalties = usePenalties();
  const handover = useCashHandover();
  const [handing, setHanding] = useState<Penalty | null>(null);
  return (
    <Space orientation="vertical" style={{ width: "100%" }}>
      <Space style={{ justifyContent: "space-between", width: "100%" }} wrap>
        <Typography.Title level={1} style={{ fontSize: 20, margin: 0 }}>
          <FormattedMessage id="inspector.penalties.title" />
        </Typography.Title>
        <Link to={`${base}/penalties/new`}>
          <Button type="primary">{t("inspector.penalty.new")}</Button>
        </Link>
      </Space>
      <ProblemAlert error={penalties.error} />
      <Table<Penalty>
        rowKey="id"
        size="small"
        loading={penalties.isPending}
        dataSource={penalties.data ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={{ emptyText: t("shell.empty") }}
        columns={[
          { title: t("inspector.penalty.decidedAt"), dataIndex: "decided_at", render: (at: string) => new Date(at).toLocaleString(intl.locale) },
          { title: t("inspector.penalty.partyName"), key: "party", render: (_, row) => row.party.name },
          { title: t("inspector.penalty.kind"), dataIndex: "penalty_kind", render: (kind: string) => t(`inspector.penaltyKind.${kind}`) },
          { title: t("inspector.penalties.amount"), dataIndex: "amount", render: (amount: string | null) => amount ?? "—" },
          { title: t("inspector.penalties.section"), dataIndex: "section", responsive: ["md"] },
          {
            title: t("inspector.penalties.cash"),
            key: "cash",
            render: (_, row) => <CashHandover penalty={row} onRecord={() => setHanding(row)} />,
          },
          { title: t("inspector.penalty.facts"), dataIndex: "facts", responsive: ["lg"] },
        ]}
      />
      <StepModal<{ handed_over_on: string; receipt: string }>
        open={handing !== null}
        title={t("inspector.penalties.handoverTitle", { party: handing?.party.name ?? "", amount: handing?.amount ?? "" })}
        initialValues={{ handed_over_on: bureauToday() }}
        onClose={() => setHanding(null)}
        onSubmit={(body) => handover.mutateAsync({ id: handing?.id ?? "", body: { ...body, receipt: body.receipt.trim() } })}
      >
        <Typography.Paragraph type="secondary">
          {t("inspector.penalties.handoverHint", { due: handing?.cash_handover_due ?? "" })}
        </Typography.Paragraph>
        <Form.Item label={t("inspector.penalties.handedOverOn")} name="handed_over_on" rules={[{ required: true }]}>
          <Input type="date" max={bureauToday()} style={{ maxWidth: 200 }} />
        </Form.Item>
        <Form.Item label={t("inspector.penalties.receipt")} name="receipt" rules={[{ required: true, whitespace: true }, { max: 64 }]}>
          <Input style={{ maxWidth: 260 }} autoComplete="off" />
        </Form.Item>
      </StepModal>
    </Space>
  );
}

/** Cash collected on the spot: when it reaches the bank by (art. 71), or when it did and the receipt. */
function CashHandover({ penalty, onRecord }: { penalty: Penalty; onRecord: () => void }) {
  const t = useText();
  if (!penalty.cash_handover_due) return <>—</>;
  if (penalty.handed_over_on) {
    return (
      <span data-testid="cash-handed-over">
        {t("inspector.penalties.handedOver", { date: penalty.handed_over_on, receipt: penalty.cash_receipt ?? "" })}
      </span>
    );
  }
  return (
    <Space wrap size={4} data-testid="cash-handover-due">
      <span>{t("inspector.penalties.cashDue", { due: penalty.cash_handover_due })}</span>
      <DeadlineTag due={penalty.cash_handover_due} />
      <Button size="small" onClick={onRecord}>
        {t("inspector.penalties.handover")}
      </Button>
    </Space>
  );
}
