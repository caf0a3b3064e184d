import { useQueryClient } from "@tanstack/react-query";
import { Card, Typography } from "antd";
import { FormattedMessage } from "react-intl";
import { useNavigate } from "react-router-dom";

import { useLanguage } from "../i18n/language";

import { LanguageSwitch } from "../shell/LanguageSwitch";
import { SignInForm } from "./SignInForm";

export function SignInPage() {
  const navigate = useNavigate();
  const { language } = useLanguage();
  const queryClient = useQueryClient();
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
        <SignInForm
          onSignedIn={() => {
            queryClient.clear(); // nothing cached for someone else
            navigate("/", { replace: true });
          }}
        />
        <Typography.Paragraph style={{ marginTop: 16 }}>
          {/* Served by the gateway itself (they work without JavaScript): a full page load. */}
          <a href={`/public/12315?lang=${language}`}>
            <FormattedMessage id="shell.signIn.public" />
          </a>
        </Typography.Paragraph>
      </Card>
    </main>
  );
}
