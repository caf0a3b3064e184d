import { Alert, Modal } from "antd";
import { useSyncExternalStore } from "react";
import { useIntl } from "react-intl";

import { session } from "./session";
import { SignInForm } from "./SignInForm";

/** Opens over the screen when the session runs out, so a half-typed form is not lost. */
export function ExpiredDialog() {
  const intl = useIntl();
  const expired = useSyncExternalStore(
    (listener) => session.subscribe(listener),
    () => session.expired,
  );
  return (
    <Modal open={expired} closable={false} footer={null} title={intl.formatMessage({ id: "shell.signIn.heading" })}>
      <Alert type="warning" showIcon title={intl.formatMessage({ id: "shell.signIn.expired" })} style={{ marginBottom: 16 }} />
      <SignInForm onSignedIn={() => undefined} />
    </Modal>
  );
}
