import { AutoComplete, Form, Input, Modal, Radio, Select } from "antd";
import { useEffect, useState } from "react";

import { showFieldErrors } from "../../common/forms";
import { ProblemAlert } from "../../common/ProblemAlert";
import { useStations, type StepCall } from "./api";
import { mayAskReopen, type Step } from "./rules";
import { useText } from "./text";

/** The steps that ask for something before they are taken. */
export type AskingStep = Exclude<Step, "accept" | "close">;

interface Values {
  reasons?: string;
  competent_body?: string;
  to?: string;
  reason?: string;
  unit?: { level: "office" | "station"; id: string };
  outcome?: "settled" | "terminated";
  summary?: string;
  text?: string;
  satisfaction?: number;
  remarks?: string;
  reopen_reason?: string;
  reopen?: boolean;
}

function callOf(step: AskingStep, values: Values): StepCall {
  switch (step) {
    case "reject":
      return { step, body: { reasons: values.reasons ?? "", competent_body: values.competent_body ?? "" } };
    case "handover":
      return { step, body: { to: values.to?.trim() ?? "", reason: values.reason ?? "" } };
    case "return":
      return { step, body: { reason: values.reason ?? "" } };
    case "reassign":
      return { step, body: { unit: { level: values.unit!.level, id: values.unit!.id.trim() }, reason: values.reason ?? "" } };
    case "mediation":
      return { step, body: { outcome: values.outcome!, summary: values.summary ?? "" } };
    case "reply":
      return { step, body: { text: values.text ?? "" } };
    case "follow-up":
      return {
        step,
        body: {
          satisfaction: values.satisfaction!,
          remarks: values.remarks ?? "",
          reopen_reason: mayAskReopen(values.satisfaction) && values.reopen_reason?.trim() ? values.reopen_reason : null,
        },
      };
    case "reopen":
      return { step, body: { reopen: values.reopen!, reason: values.reason ?? "" } };
  }
}

/** A step's questions in a dialog; the service's field errors show beside their fields. */
export function StepDialog({
  step,
  title,
  initial,
  onCancel,
  onSubmit,
}: {
  step: AskingStep | null;
  title?: string;
  initial?: Values;
  onCancel: () => void;
  onSubmit: (call: StepCall) => Promise<unknown>;
}) {
  const t = useText();
  const [form] = Form.useForm<Values>();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const stations = useStations();
  const level = Form.useWatch(["unit", "level"], form);
  const satisfaction = Form.useWatch("satisfaction", form);

  // Each opening starts clean: the form is made anew (destroyOnHidden) with `initial`.
  useEffect(() => setError(null), [step]);

  const ok = async () => {
    if (step === null) return;
    const values = await form.validateFields().catch(() => null);
    if (values === null) return;
    setBusy(true);
    setError(null);
    try {
      await onSubmit(callOf(step, values));
    } catch (problem) {
      showFieldErrors(form, problem);
      setError(problem);
    } finally {
      setBusy(false);
    }
  };

  const required = [{ required: true, whitespace: true, max: 4000 }];
  const unitOptions =
    level === "station"
      ? (stations.data ?? []).map((station) => ({ value: station.id, label: `${station.id} ${station.name}` }))
      : [...new Set((stations.data ?? []).map((station) => station.office))].map((office) => ({ value: office }));

  return (
    <Modal
      open={step !== null}
      title={title ?? (step ? t(`complaints.step.${step}`) : "")}
      okText={t("shell.submit")}
      cancelText={t("shell.cancel")}
      confirmLoading={busy}
      onCancel={onCancel}
      onOk={ok}
      destroyOnHidden
    >
      <ProblemAlert error={error} />
      <Form<Values> form={form} layout="vertical" preserve={false} initialValues={initial}>
        {step === "reject" && (
          <>
            <Form.Item label={t("complaints.field.reasons")} name="reasons" rules={required}>
              <Input.TextArea rows={3} />
            </Form.Item>
            <Form.Item label={t("complaints.field.competentBody")} name="competent_body" rules={[{ required: true, whitespace: true, max: 200 }]}>
              <Input />
            </Form.Item>
          </>
        )}
        {step === "handover" && (
          <Form.Item
            label={t("complaints.field.handoverTo")}
            name="to"
            extra={t("complaints.field.handoverToHint")}
            rules={[{ required: true, pattern: /^[a-z][a-z0-9_.-]{1,63}$/, message: t("complaints.check.username") }]}
          >
            <Input autoComplete="off" />
          </Form.Item>
        )}
        {step === "reassign" && (
          <>
            <Form.Item label={t("complaints.field.unitLevel")} name={["unit", "level"]} rules={[{ required: true }]}>
              <Select
                options={(["office", "station"] as const).map((value) => ({ value, label: t(`complaints.level.${value}`) }))}
              />
            </Form.Item>
            <Form.Item
              label={t("complaints.field.unitId")}
              name={["unit", "id"]}
              extra={t("complaints.field.unitIdHint")}
              rules={[{ required: true, whitespace: true, max: 64 }]}
            >
              <AutoComplete options={unitOptions} filterOption />
            </Form.Item>
          </>
        )}
        {(step === "handover" || step === "return" || step === "reassign") && (
          <Form.Item label={t("complaints.field.reason")} name="reason" rules={required}>
            <Input.TextArea rows={3} />
          </Form.Item>
        )}
        {step === "mediation" && (
          <>
            <Form.Item label={t("complaints.field.outcome")} name="outcome" rules={[{ required: true }]}>
              <Radio.Group
                options={(["settled", "terminated"] as const).map((value) => ({ value, label: t(`complaints.outcome.${value}`) }))}
              />
            </Form.Item>
            <Form.Item label={t("complaints.field.summary")} name="summary" rules={required}>
              <Input.TextArea rows={3} />
            </Form.Item>
          </>
        )}
        {step === "reply" && (
          <Form.Item label={t("complaints.field.replyText")} name="text" rules={required}>
            <Input.TextArea rows={4} />
          </Form.Item>
        )}
        {step === "follow-up" && (
          <>
            <Form.Item label={t("complaints.field.satisfaction")} name="satisfaction" rules={[{ required: true }]}>
              <Radio.Group
                options={[5, 4, 3, 2, 1].map((value) => ({ value, label: t(`complaints.satisfaction.${value}`) }))}
              />
            </Form.Item>
            <Form.Item label={t("complaints.field.remarks")} name="remarks" rules={[{ max: 4000 }]}>
              <Input.TextArea rows={2} />
            </Form.Item>
            {mayAskReopen(satisfaction) && (
              <Form.Item
                label={t("complaints.field.reopenReason")}
                name="reopen_reason"
                extra={t("complaints.field.reopenReasonHint")}
                rules={[{ max: 4000 }]}
              >
                <Input.TextArea rows={2} />
              </Form.Item>
            )}
          </>
        )}
        {step === "reopen" && (
          <>
            <Form.Item label={t("complaints.field.reopenDecision")} name="reopen" rules={[{ required: true }]}>
              <Radio.Group
                options={[
                  { value: true, label: t("complaints.reopen.yes") },
                  { value: false, label: t("complaints.reopen.no") },
                ]}
              />
            </Form.Item>
            <Form.Item label={t("complaints.field.reason")} name="reason" rules={required}>
              <Input.TextArea rows={3} />
            </Form.Item>
          </>
        )}
      </Form>
    </Modal>
  );
}
