import { Button, Card, Empty, Input, Space, Tag, Timeline, Typography } from "antd";
import { FormattedMessage, useIntl } from "react-intl";
import { useSearchParams } from "react-router-dom";

import { Loading } from "../../common/Loading";
import { ProblemAlert } from "../../common/ProblemAlert";
import { BLUE, GOLD, GREEN, GREY, PURPLE, RED } from "../quality/colours";
import { known } from "../quality/known";
import { bureauTime } from "../quality/rules";
import { useTrail } from "./api";
import { causeIndex, eventKey, factsOf, type TrailEvent } from "./rules";
import { VerificationCard } from "./VerificationCard";

const SERVICE_COLOURS: Record<string, string> = {
  licensing: BLUE,
  supervision: GREEN,
  enforcement: RED,
  complaints: GOLD,
  qms: PURPLE,
  identity: GREY,
};

/** The record of everything: whether it verifies, and one business's, case's or ticket's whole
 * history across the services, in the log's order. */
export function TrailPage() {
  const intl = useIntl();
  const t = (id: string, values?: Record<string, string | number>) => intl.formatMessage({ id }, values);
  // The subject is in the address: a trail can be linked to, and going back keeps it.
  const [search, setSearch] = useSearchParams();
  const subject = (search.get("subject") ?? "").trim();
  const trail = useTrail(subject);

  return (
    <Space direction="vertical" style={{ width: "100%" }}>
      <Typography.Title level={1} style={{ fontSize: 20, margin: 0 }}>
        <FormattedMessage id="audit.trail.title" />
      </Typography.Title>
      <Card>
        <Space direction="vertical" style={{ width: "100%" }}>
          <label htmlFor="trail-subject">
            <FormattedMessage id="audit.trail.subject" />
          </label>
          <Input.Search
            id="trail-subject"
            key={subject}
            defaultValue={subject}
            allowClear
            enterButton={t("audit.trail.show")}
            style={{ maxWidth: 560 }}
            onSearch={(value) => setSearch(value.trim() ? { subject: value.trim() } : {})}
          />
          <Typography.Text type="secondary">
            <FormattedMessage id="audit.trail.hint" />
          </Typography.Text>
        </Space>
      </Card>
      {subject && (
        <Card
          title={
            <Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>
              <FormattedMessage id="audit.trail.of" values={{ subject, count: trail.data?.length ?? 0 }} />
            </Typography.Title>
          }
          extra={
            <Button className="no-print" loading={trail.isFetching} onClick={() => void trail.refetch()}>
              <FormattedMessage id="shell.refresh" />
            </Button>
          }
        >
          <ProblemAlert error={trail.error} />
          {trail.isPending ? (
            <Loading />
          ) : trail.data && trail.data.length > 0 ? (
            <Timeline
              items={trail.data.map((event) => ({
                key: event.index,
                color: SERVICE_COLOURS[event.service] ?? GREY,
                content: <TrailItem event={event} trail={trail.data} />,
              }))}
            />
          ) : (
            <Empty description={t("audit.trail.empty")} />
          )}
        </Card>
      )}
      <VerificationCard />
    </Space>
  );
}

function TrailItem({ event, trail }: { event: TrailEvent; trail: TrailEvent[] }) {
  const intl = useIntl();
  const t = (id: string, values?: Record<string, string | number>) => intl.formatMessage({ id }, values);
  const cause = causeIndex(event, trail);
  const facts = factsOf(event.data);
  return (
    <div data-testid="trail-event" data-type={event.type}>
      <Space size={6} wrap>
        <Typography.Text type="secondary">{bureauTime(event.time, intl.locale)}</Typography.Text>
        <Tag color={SERVICE_COLOURS[event.service] ?? GREY}>{known(intl, `audit.service.${event.service}`, event.service)}</Tag>
        <Typography.Text strong>{known(intl, eventKey(event.type), event.type)}</Typography.Text>
        <Typography.Text type="secondary">{t("audit.trail.leaf", { index: event.index })}</Typography.Text>
        {cause !== null && <Typography.Text type="secondary">{t("audit.trail.causedBy", { index: cause })}</Typography.Text>}
      </Space>
      {facts.length > 0 && (
        <div style={{ fontSize: 13 }}>
          {facts.map(([name, value]) => (
            <span key={name} style={{ marginRight: 12 }}>
              <Typography.Text type="secondary">{`${known(intl, `audit.fact.${name}`, name)}: `}</Typography.Text>
              {value}
            </span>
          ))}
        </div>
      )}
      <details>
        <summary style={{ fontSize: 12 }}>
          <FormattedMessage id="audit.trail.raw" values={{ type: event.type }} />
        </summary>
        <pre className="qms-pre">{event.raw}</pre>
      </details>
    </div>
  );
}
