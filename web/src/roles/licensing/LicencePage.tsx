import { Button, Card, Descriptions, Space, Typography } from "antd";
import { FormattedMessage, useIntl } from "react-intl";
import { Link, useParams } from "react-router-dom";

import { Loading } from "../../common/Loading";
import { ProblemAlert } from "../../common/ProblemAlert";
import { useLicence } from "./api";

/** The licence as printed for the business: its credit code large, the record beneath. */
export function LicencePage() {
  const { creditCode = "" } = useParams();
  const intl = useIntl();
  const t = (id: string) => intl.formatMessage({ id });
  const licence = useLicence(creditCode);
  if (licence.isPending) return <Loading />;
  if (!licence.data) return <ProblemAlert error={licence.error} />;
  const record = licence.data;
  return (
    <Card className="licence-page">
      <Typography.Title level={1} style={{ textAlign: "center", fontSize: 28 }}>
        <FormattedMessage id="licensing.licence.title" />
      </Typography.Title>
      <Typography.Paragraph style={{ textAlign: "center", fontSize: 18 }}>
        <FormattedMessage id="licensing.field.creditCode" />{" "}
        <strong data-testid="credit-code">{record.credit_code}</strong>
      </Typography.Paragraph>
      <Descriptions column={1} bordered size="small">
        <Descriptions.Item label={t("licensing.field.name")}>{record.name}</Descriptions.Item>
        <Descriptions.Item label={t("licensing.field.entityType")}>{t(`licensing.entity.${record.entity_type}`)}</Descriptions.Item>
        <Descriptions.Item label={t("licensing.field.operator")}>{record.operator_name}</Descriptions.Item>
        <Descriptions.Item label={t("licensing.field.address")}>{record.address.text}</Descriptions.Item>
        <Descriptions.Item label={t("licensing.field.scope")}>{record.business_scope.join("、")}</Descriptions.Item>
        <Descriptions.Item label={t("licensing.licence.issuedAt")}>
          {new Date(record.issued_at).toLocaleDateString(intl.locale)}
        </Descriptions.Item>
        <Descriptions.Item label={t("licensing.licence.status")}>{t(`licensing.licenceStatus.${record.status}`)}</Descriptions.Item>
      </Descriptions>
      <Space className="no-print" style={{ marginTop: 16 }}>
        <Button onClick={() => window.print()}>
          <FormattedMessage id="shell.print" />
        </Button>
        <Link to={`/licensing/transfers?credit_code=${record.credit_code}`}>
          <Button>{t("transfers.new")}</Button>
        </Link>
      </Space>
    </Card>
  );
}
