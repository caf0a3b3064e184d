import { Form, Modal, Typography } from "antd";
import { useState, type ReactNode } from "react";
import { useIntl } from "react-intl";

import { showFieldErrors } from "../../common/forms";
import { ProblemAlert } from "../../common/ProblemAlert";

/** A step taken through a small form: the service's refusal shows in it, each field's beside it. */
export function StepModal<V extends object>({
  open,
  title,
  onClose,
  onSubmit,
  initialValues,
  okText,
  danger,
  children,
}: {
  open: boolean;
  title: string;
  onClose: () => void;
  onSubmit: (values: V) => Promise<unknown>;
  initialValues?: Partial<V>;
  okText?: string;
  danger?: boolean;
  children: ReactNode;
}) {
  const intl = useIntl();
  const [form] = Form.useForm<V>();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const close = () => {
    setError(null);
    onClose();
  };
  const finish = async (values: V) => {
    setBusy(true);
    setError(null);
    try {
      await onSubmit(values);
      close();
    } catch (problem) {
      showFieldErrors(form, problem);
      setError(problem);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open={open}
      title={<Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>{title}</Typography.Title>}
      okText={okText ?? intl.formatMessage({ id: "shell.submit" })}
      cancelText={intl.formatMessage({ id: "shell.cancel" })}
      okButtonProps={{ danger }}
      confirmLoading={busy}
      onCancel={close}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      <ProblemAlert error={error} />
      <Form<V> form={form} layout="vertical" onFinish={finish} initialValues={initialValues} preserve={false}>
        {children}
      </Form>
    </Modal>
  );
}
