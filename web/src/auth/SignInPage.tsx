import { Card, Typography } from "antd";
import { FormattedMessage } from "react-intl";
import { Link, useNavigate } from "react-router-dom";

import { LanguageSwitch } from "../shell/LanguageSwitch";
import { SignInForm } from "./SignInForm";

export function SignInPage() {
  const navigate = useNavigate();
  return (
    <main className="sign-in-page">
      <Card style={{ width: 380, maxWidth: "100%" }}>
        <div style={{ display: "flex", justifyContent: "space-between", alignItems: "center" }}>
          <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
            <FormattedMessage id="shell.title" />
          </Typography.Title>
          <LanguageSwitch />
        </div>
        <Typography.Title level={2} style={{ fontSize: 18 }}>
          <FormattedMessage id="shell.signIn.heading" />
        </Typography.Title>
        <SignInForm onSignedIn={() => navigate("/", { replace: true })} />
        <Typography.Paragraph style={{ marginTop: 16 }}>
          <Link to="/public/12315">
            <FormattedMessage id="shell.signIn.public" />
          </Link>
        </Typography.Paragraph>
      </Card>
    </main>
  );
}
