import { Alert, App, Button, Card, Descriptions, Form, Space, Spin, Typography } from "antd";
import QRCode from "qrcode";
import { useEffect, useState } from "react";
import { FormattedMessage, useIntl } from "react-intl";
import { Link, useLocation, useParams } from "react-router-dom";

import { useMe } from "../../auth/me";
import { showFieldErrors } from "../../common/forms";
import { Loading } from "../../common/Loading";
import { ProblemAlert } from "../../common/ProblemAlert";
import {
  useChangeUser,
  useEnrolTotp,
  useRolePolicies,
  useUser,
  useUserAct,
  type TotpEnrolment,
  type User,
} from "./api";
import { PersonFields } from "./fields";
import { bureauTime, groupSecret, rolesRequiringTotp, secondFactor, userChanges, userStatus, type UserValues } from "./rules";
import { SecondFactorTag, StatusTag } from "./tags";

/** One staff member: change their name, roles and office; unlock, deactivate; enrol their authenticator. */
export function UserPage() {
  const { username = "" } = useParams();
  // A new person's screen starts afresh: nothing of the last one's enrolment stays on it.
  return <UserScreen key={username} username={username} />;
}

function UserScreen({ username }: { username: string }) {
  const intl = useIntl();
  const t = (id: string, values?: Record<string, string | number>) => intl.formatMessage({ id }, values);
  const { message, modal } = App.useApp();
  const location = useLocation();
  // Back to the list as it was filtered (the list hands its filters over).
  const from = (location.state as { from?: string } | null)?.from;
  const user = useUser(username);
  const policies = useRolePolicies();
  const me = useMe();
  const change = useChangeUser(username);
  const act = useUserAct();
  const enrol = useEnrolTotp(username);
  const [enrolment, setEnrolment] = useState<TotpEnrolment | null>(null);
  const [form] = Form.useForm<UserValues>();

  if (user.isPending) return <Loading />;
  if (!user.data) return <ProblemAlert error={user.error} />;
  const record = user.data;
  const status = userStatus(record);
  const self = record.username === me.data?.sub;
  const factor = secondFactor(record, policies.data ?? []);
  const requiredBy = rolesRequiringTotp(record.roles, policies.data ?? []);

  const save = async (values: UserValues) => {
    const body = userChanges(record, values);
    if (Object.keys(body).length === 0) {
      void message.info(t("admin.user.unchanged"));
      return;
    }
    try {
      await change.mutateAsync(body);
      void message.success(t("admin.user.saved"));
    } catch (error) {
      showFieldErrors(form, error);
    }
  };

  const startEnrolment = async () => {
    setEnrolment(await enrol.mutateAsync());
  };

  return (
    <Space orientation="vertical" style={{ width: "100%" }}>
      <Link to={from ? `/admin/users?${from}` : "/admin/users"}>{t("admin.users.back")}</Link>
      <Card
        title={
          <Typography.Title level={1} style={{ fontSize: 20, margin: 0 }}>
            {record.name} ({record.username})
          </Typography.Title>
        }
        extra={<StatusTag user={record} />}
      >
        <ProblemAlert error={act.error} />
        <Descriptions column={{ xs: 1, md: 3 }} size="small">
          <Descriptions.Item label={t("admin.field.createdAt")}>{bureauTime(record.created_at, intl.locale)}</Descriptions.Item>
          <Descriptions.Item label={t("admin.field.secondFactor")}>
            <SecondFactorTag user={record} policies={policies.data ?? []} />
          </Descriptions.Item>
          <Descriptions.Item label={t("admin.field.status")}>
            <StatusTag user={record} />
          </Descriptions.Item>
        </Descriptions>
        <Space style={{ marginTop: 16 }} wrap>
          <Button
            disabled={status !== "locked"}
            loading={act.isPending && act.variables?.act === "unlock"}
            onClick={() => act.mutate({ act: "unlock", username })}
          >
            {t("admin.user.unlock")}
          </Button>
          <Button
            danger
            disabled={!record.active || self}
            loading={act.isPending && act.variables?.act === "deactivate"}
            onClick={() =>
              modal.confirm({
                title: t("admin.user.deactivateConfirm", { name: record.name }),
                content: t("admin.user.deactivateNote"),
                okText: t("admin.user.deactivate"),
                okButtonProps: { danger: true },
                cancelText: t("shell.cancel"),
                onOk: () => act.mutateAsync({ act: "deactivate", username }).catch(() => undefined),
              })
            }
          >
            {t("admin.user.deactivate")}
          </Button>
          {self && <Typography.Text type="secondary">{t("admin.user.notSelf")}</Typography.Text>}
        </Space>
      </Card>

      <Card title={<Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>{t("admin.user.details")}</Typography.Title>}>
        <ProblemAlert error={change.error} />
        <Form<UserValues>
          form={form}
          layout="vertical"
          onFinish={save}
          initialValues={{ name: record.name, roles: record.roles, office: record.office ?? undefined }}
          style={{ maxWidth: 720 }}
        >
          <PersonFields />
          <Button type="primary" htmlType="submit" loading={change.isPending}>
            {t("shell.save")}
          </Button>
        </Form>
      </Card>

      <Card title={<Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>{t("admin.totp.title")}</Typography.Title>}>
        <ProblemAlert error={enrol.error} />
        <Typography.Paragraph>
          {factor === "enrolled" && t("admin.totp.enrolled")}
          {factor === "missing" &&
            t("admin.totp.missing", { roles: requiredBy.map((role) => t(`shell.role.${role}`)).join("、") })}
          {factor === "off" && t("admin.totp.off")}
        </Typography.Paragraph>
        {enrolment ? (
          <EnrolmentShown enrolment={enrolment} user={record} onDone={() => setEnrolment(null)} />
        ) : (
          <Button
            type={record.totp_enrolled ? "default" : "primary"}
            loading={enrol.isPending}
            onClick={() =>
              record.totp_enrolled
                ? modal.confirm({
                    title: t("admin.totp.replaceConfirm", { name: record.name }),
                    content: t("admin.totp.replaceNote"),
                    okText: t("admin.totp.replace"),
                    cancelText: t("shell.cancel"),
                    onOk: () => startEnrolment().catch(() => undefined),
                  })
                : void startEnrolment().catch(() => undefined)
            }
          >
            {record.totp_enrolled ? t("admin.totp.replace") : t("admin.totp.enrol")}
          </Button>
        )}
      </Card>
    </Space>
  );
}

/** The new secret, this once: a QR code to scan and the secret to type by hand. */
function EnrolmentShown({ enrolment, user, onDone }: { enrolment: TotpEnrolment; user: User; onDone: () => void }) {
  const intl = useIntl();
  const t = (id: string, values?: Record<string, string | number>) => intl.formatMessage({ id }, values);
  const [qr, setQr] = useState<string | null>(null);
  useEffect(() => {
    let shown = true;
    QRCode.toDataURL(enrolment.otpauth_uri, { margin: 1, width: 200, errorCorrectionLevel: "M" })
      .then((url) => shown && setQr(url))
      .catch(() => shown && setQr(""));
    return () => {
      shown = false;
    };
  }, [enrolment.otpauth_uri]);
  return (
    <Space orientation="vertical">
      <Alert type="warning" showIcon title={t("admin.totp.shownOnce", { name: user.name })} />
      <Space align="start" wrap size="large">
        {qr === null ? (
          <Spin />
        ) : (
          qr && <img src={qr} width={200} height={200} alt={t("admin.totp.qrAlt", { username: enrolment.username })} />
        )}
        <Space orientation="vertical">
          <Typography.Text>
            <FormattedMessage id="admin.totp.manual" />
          </Typography.Text>
          <Typography.Text code copyable={{ text: enrolment.secret }} style={{ fontSize: 18 }}>
            <span data-testid="totp-secret">{groupSecret(enrolment.secret)}</span>
          </Typography.Text>
          <Typography.Text type="secondary">
            {t("admin.totp.account", { username: enrolment.username })}
          </Typography.Text>
        </Space>
      </Space>
      <Button onClick={onDone}>{t("admin.totp.done")}</Button>
    </Space>
  );
}
