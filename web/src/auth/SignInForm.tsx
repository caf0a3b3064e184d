import { Alert, Button, Form, Input } from "antd";
import { useState } from "react";
import { useIntl } from "react-intl";

import { ApiProblem } from "../api/problems";
import { session, type Credentials } from "./session";

/** Password, then the authenticator code when the role requires one. */
export function SignInForm({ onSignedIn }: { onSignedIn: () => void }) {
  const intl = useIntl();
  const t = (id: string) => intl.formatMessage({ id });
  const [needsCode, setNeedsCode] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (credentials: Credentials) => {
    setBusy(true);
    setProblem(null);
    try {
      await session.signIn(credentials);
      onSignedIn();
    } catch (error) {
      if (error instanceof ApiProblem && error.body.reason === "totp_required") {
        setNeedsCode(true);
      } else {
        setProblem(error instanceof Error ? error.message : String(error));
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <Form layout="vertical" onFinish={submit} requiredMark={false} name="sign-in">
      {problem && <Alert type="error" showIcon title={problem} role="alert" style={{ marginBottom: 16 }} />}
      <Form.Item label={t("shell.signIn.username")} name="username" rules={[{ required: true }]}>
        <Input autoComplete="username" autoFocus />
      </Form.Item>
      <Form.Item label={t("shell.signIn.password")} name="password" rules={[{ required: true }]}>
        <Input.Password autoComplete="current-password" />
      </Form.Item>
      {needsCode && (
        <Form.Item
          label={t("shell.signIn.totp")}
          name="totp"
          extra={t("shell.signIn.totpHint")}
          rules={[{ required: true, pattern: /^\d{6}$/ }]}
        >
          <Input inputMode="numeric" autoComplete="one-time-code" maxLength={6} autoFocus />
        </Form.Item>
      )}
      <Button type="primary" htmlType="submit" block loading={busy}>
        {t("shell.signIn.submit")}
      </Button>
    </Form>
  );
}
