import { Button, Card, Descriptions, Space, Tag, Typography } from "antd";
import { FormattedMessage, useIntl } from "react-intl";

import { ProblemAlert } from "../../common/ProblemAlert";
import { useCheckpoint, useVerify } from "./api";
import { GOLD, GREEN, RED } from "../quality/colours";

/** Whether the stored log still gives every signed checkpoint, and the last one the witnesses cosigned. */
export function VerificationCard() {
  const intl = useIntl();
  const t = (id: string, values?: Record<string, string | number>) => intl.formatMessage({ id }, values);
  const verify = useVerify();
  const checkpoint = useCheckpoint();
  const verdict = verify.data;
  const parsed = checkpoint.data?.parsed ?? null;
  return (
    <Card
      title={
        <Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>
          <FormattedMessage id="audit.verify.title" />
        </Typography.Title>
      }
      extra={
        <Button
          className="no-print"
          loading={verify.isFetching || checkpoint.isFetching}
          onClick={() => {
            void verify.refetch();
            void checkpoint.refetch();
          }}
        >
          <FormattedMessage id="audit.verify.again" />
        </Button>
      }
    >
      <ProblemAlert error={verify.error ?? checkpoint.error} />
      <Descriptions column={{ xs: 1, md: 2 }} size="small" bordered>
        <Descriptions.Item label={t("audit.verify.status")}>
          {verdict ? (
            <Tag color={verdict.verified ? GREEN : RED} data-testid="verify-status">
              {t(verdict.verified ? "audit.verify.ok" : "audit.verify.bad")}
            </Tag>
          ) : (
            t("shell.loading")
          )}
        </Descriptions.Item>
        <Descriptions.Item label={t("audit.verify.size")}>
          <span data-testid="verify-size">{verdict?.size ?? "—"}</span>
        </Descriptions.Item>
        {verdict && !verdict.verified && (
          <>
            <Descriptions.Item label={t("audit.verify.firstBad")}>
              <strong data-testid="verify-first-bad">{verdict.first_bad_index ?? "—"}</strong>
            </Descriptions.Item>
            <Descriptions.Item label={t("audit.verify.problem")}>{verdict.problem ?? "—"}</Descriptions.Item>
          </>
        )}
        <Descriptions.Item label={t("audit.checkpoint.size")}>
          <span data-testid="checkpoint-size">
            {checkpoint.isPending ? t("shell.loading") : parsed ? parsed.size : t("audit.checkpoint.none")}
          </span>
        </Descriptions.Item>
        <Descriptions.Item label={t("audit.checkpoint.witnessed")}>
          {parsed && (
            <Space size={4} wrap>
              <Tag color={parsed.witnesses.length ? GREEN : GOLD} data-testid="checkpoint-witnessed">
                {t(parsed.witnesses.length ? "audit.checkpoint.yes" : "audit.checkpoint.no")}
              </Tag>
              {parsed.witnesses.map((name) => (
                <Typography.Text key={name} code>
                  {name}
                </Typography.Text>
              ))}
            </Space>
          )}
        </Descriptions.Item>
        {parsed && (
          <>
            <Descriptions.Item label={t("audit.checkpoint.origin")}>{parsed.origin}</Descriptions.Item>
            <Descriptions.Item label={t("audit.checkpoint.root")}>
              <Typography.Text code style={{ wordBreak: "break-all" }}>
                {parsed.root}
              </Typography.Text>
            </Descriptions.Item>
          </>
        )}
      </Descriptions>
      {checkpoint.data?.note && (
        <details style={{ marginTop: 8 }}>
          <summary>
            <FormattedMessage id="audit.checkpoint.note" />
          </summary>
          <pre className="qms-pre">{checkpoint.data.note}</pre>
        </details>
      )}
    </Card>
  );
}
