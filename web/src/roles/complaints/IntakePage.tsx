import { Alert, Button, Card, Checkbox, Descriptions, Form, Input, InputNumber, Space, Table, Tag, Typography } from "antd";
import { useEffect, useMemo, useState } from "react";
import { FormattedMessage } from "react-intl";
import { Link, useNavigate } from "react-router-dom";

import { ApiProblem } from "../../api/problems";
import { showFieldErrors } from "../../common/forms";
import { ProblemAlert } from "../../common/ProblemAlert";
import { useLicenceLookup, useRoutingPreview, useSubmit, useTicketsAbout, type Licence } from "./api";
import {
  anonymityAllowed,
  CREDIT_CODE,
  isAnonymous,
  KINDS,
  lookupQuery,
  previewBlocker,
  previewOf,
  shortId,
  submissionOf,
  type Channel,
  type IntakeValues,
  type Ticket,
} from "./rules";
import { useText, useDateTime } from "./text";
import { UnitName } from "./UnitName";

const sectionTitle = (text: string) => (
  <Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>
    {text}
  </Typography.Title>
);

/** What settles after the person stops typing for `ms`. */
function useSettled<T>(value: T, ms = 400): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = window.setTimeout(() => setSettled(value), ms);
    return () => window.clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

/**
 * Intake in one screen (the phone line's, or a station's walk-in desk): who, what, about which
 * business, where; the routing preview answers live where the ticket will go before it is sent.
 */
export function IntakePage({ channel, base }: { channel: Channel; base: string }) {
  const t = useText();
  const navigate = useNavigate();
  const [form] = Form.useForm<IntakeValues>();
  const values: IntakeValues = Form.useWatch((all) => all, { form, preserve: true }) ?? {};
  const kinds = values.kinds ?? [];
  const anonymousAllowed = anonymityAllowed(kinds);
  const anonymous = isAnonymous(values);

  // The routing preview, asked once the draft is complete enough and the typing has settled.
  const blocker = previewBlocker(values);
  const draftText = blocker === null ? JSON.stringify(previewOf(values, channel)) : null;
  const settledDraft = useSettled(draftText);
  const preview = useRoutingPreview(settledDraft === null ? null : JSON.parse(settledDraft));
  const previewCurrent = settledDraft === draftText;

  // The business look-up in the licence register.
  const [lookupText, setLookupText] = useState("");
  const lookup = useLicenceLookup(lookupQuery(lookupText));

  // Tickets already open about the business: a phone call is often a second one.
  const code = values.business?.credit_code?.trim().toUpperCase() ?? "";
  const about = useTicketsAbout(CREDIT_CODE.test(code) ? code : null);
  const openAbout = useMemo(
    () => (about.data ?? []).filter((ticket) => !["closed", "followed_up", "merged"].includes(ticket.status)),
    [about.data],
  );

  const submit = useSubmit();
  // The service's objection to the location as a whole (neither a point nor an address).
  const [locationError, setLocationError] = useState<string | null>(null);
  const onFinish = async (filled: IntakeValues) => {
    setLocationError(null);
    try {
      const received = await submit.mutateAsync(submissionOf(filled, channel));
      navigate(`${base}/tickets/${received.tickets[0]!.id}`, { state: { taken: received.tickets.length } });
    } catch (error) {
      showFieldErrors(form, error);
      if (error instanceof ApiProblem) {
        const whole = error.fieldErrors.find((field) => /^(body\.)?location$/.test(field.field));
        setLocationError(whole?.message ?? null);
      }
    }
  };

  const pick = (licence: Licence) => {
    const where = values.location ?? {};
    form.setFieldsValue({
      business: { credit_code: licence.credit_code, name: licence.name },
      // The licence's premises fill the place unless the caller already gave one.
      ...(where.address || where.lon != null
        ? {}
        : {
            location: {
              address: licence.address.text,
              community_code: licence.address.community_code,
              lon: licence.address.lon ?? null,
              lat: licence.address.lat ?? null,
            },
          }),
    });
  };

  return (
    <Space direction="vertical" style={{ width: "100%" }}>
      <Typography.Title level={1} style={{ fontSize: 20, margin: 0 }}>
        {t(channel === "station" ? "complaints.intake.stationTitle" : "complaints.intake.title")}
      </Typography.Title>
      <div className="split">
        <Form<IntakeValues>
          form={form}
          layout="vertical"
          onFinish={onFinish}
          initialValues={{ kinds: ["complaint"], submitter: { anonymous: false } }}
        >
          <ProblemAlert error={submit.error} />
          <Card size="small" title={sectionTitle(t("complaints.intake.submitter"))} style={{ marginBottom: 12 }}>
            <Alert type="info" showIcon style={{ marginBottom: 12 }} title={t("complaints.intake.confidential")} />
            <Form.Item name={["submitter", "anonymous"]} valuePropName="checked" style={{ marginBottom: 8 }}>
              <Checkbox disabled={!anonymousAllowed}>{t("complaints.field.anonymous")}</Checkbox>
            </Form.Item>
            {!anonymous && (
              <Space wrap align="start">
                <Form.Item label={t("complaints.field.name")} name={["submitter", "name"]} rules={[{ required: true, max: 100, whitespace: true }]}>
                  <Input autoComplete="off" style={{ width: 180 }} />
                </Form.Item>
                <Form.Item
                  label={t("complaints.field.phone")}
                  name={["submitter", "phone"]}
                  rules={[{ pattern: /^\+?[0-9][0-9 -]{4,23}$/, message: t("complaints.check.phone") }]}
                >
                  <Input autoComplete="off" inputMode="tel" style={{ width: 180 }} />
                </Form.Item>
                <Form.Item
                  label={t("complaints.field.idNumber")}
                  name={["submitter", "id_number"]}
                  rules={[{ pattern: /^[0-9]{17}[0-9Xx]$/, message: t("complaints.check.idNumber") }]}
                >
                  <Input autoComplete="off" style={{ width: 220 }} />
                </Form.Item>
              </Space>
            )}
          </Card>
          <Card size="small" title={sectionTitle(t("complaints.intake.matter"))} style={{ marginBottom: 12 }}>
            <Form.Item
              label={t("complaints.field.kinds")}
              name="kinds"
              extra={kinds.length > 1 ? t("complaints.intake.linked", { count: kinds.length }) : undefined}
              // A validator, not `required`: Ant Design would put aria-required on the group's
              // plain div, which axe refuses.
              rules={[
                {
                  validator: async (_, value?: string[]) => {
                    if (!value?.length) throw new Error(t("complaints.check.kinds"));
                  },
                },
              ]}
            >
              <Checkbox.Group
                role="group"
                aria-label={t("complaints.field.kinds")} options={KINDS.map((value) => ({ value, label: t(`complaints.kind.${value}`) }))} />
            </Form.Item>
            <Form.Item
              label={t("complaints.field.description")}
              name="description"
              rules={[{ required: true, whitespace: true, max: 4000 }]}
            >
              <Input.TextArea rows={4} showCount maxLength={4000} />
            </Form.Item>
          </Card>
          <Card size="small" title={sectionTitle(t("complaints.intake.business"))} style={{ marginBottom: 12 }}>
            <Form.Item label={t("complaints.intake.lookup")} htmlFor="complaints-lookup" extra={t("complaints.intake.lookupHint")}>
              <Input.Search
                id="complaints-lookup"
                allowClear
                enterButton={t("complaints.intake.lookupButton")}
                onSearch={(text) => setLookupText(text)}
                loading={lookup.isFetching}
              />
            </Form.Item>
            <ProblemAlert error={lookup.error} />
            {lookup.data && (
              <Table<Licence>
                size="small"
                rowKey="credit_code"
                style={{ marginBottom: 12 }}
                pagination={false}
                dataSource={lookup.data}
                locale={{ emptyText: t("complaints.intake.lookupNone") }}
                columns={[
                  { title: t("complaints.field.businessName"), dataIndex: "name" },
                  { title: t("complaints.field.creditCode"), dataIndex: "credit_code" },
                  { title: t("complaints.field.address"), dataIndex: ["address", "text"] },
                  {
                    title: t("complaints.intake.pick"),
                    key: "pick",
                    render: (_, licence) => (
                      <Button size="small" onClick={() => pick(licence)}>
                        {t("complaints.intake.pickOne", { name: licence.name })}
                      </Button>
                    ),
                  },
                ]}
              />
            )}
            <Space wrap align="start">
              <Form.Item
                label={t("complaints.field.creditCode")}
                name={["business", "credit_code"]}
                normalize={(value?: string) => value?.toUpperCase()}
                rules={[{ pattern: CREDIT_CODE, message: t("complaints.check.creditCode") }]}
              >
                <Input style={{ width: 220 }} maxLength={18} />
              </Form.Item>
              <Form.Item label={t("complaints.field.businessName")} name={["business", "name"]} rules={[{ max: 200 }]}>
                <Input style={{ width: 280 }} />
              </Form.Item>
            </Space>
          </Card>
          <Card size="small" title={sectionTitle(t("complaints.intake.where"))} style={{ marginBottom: 12 }}>
            <Form.Item label={t("complaints.field.address")} name={["location", "address"]} rules={[{ max: 300 }]}>
              <Input />
            </Form.Item>
            <Space wrap align="start">
              <Form.Item
                label={t("complaints.field.community")}
                name={["location", "community_code"]}
                rules={[{ pattern: /^[0-9]{6,15}$/, message: t("complaints.check.community") }]}
              >
                <Input style={{ width: 180 }} />
              </Form.Item>
              <Form.Item label={t("complaints.field.lon")} name={["location", "lon"]}>
                <InputNumber min={-180} max={180} step={0.001} style={{ width: 140 }} />
              </Form.Item>
              <Form.Item label={t("complaints.field.lat")} name={["location", "lat"]}>
                <InputNumber min={-90} max={90} step={0.001} style={{ width: 140 }} />
              </Form.Item>
            </Space>
            {locationError && <Alert type="error" showIcon role="alert" style={{ marginBottom: 8 }} title={locationError} />}
            <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
              {t("complaints.intake.whereHint")}
            </Typography.Paragraph>
          </Card>
          <Button type="primary" htmlType="submit" loading={submit.isPending}>
            <FormattedMessage id="complaints.intake.submit" />
          </Button>
        </Form>
        <div>
          <div style={{ position: "sticky", top: 16 }}>
            <RoutingCard
              blocker={blocker}
              routing={previewCurrent ? preview.data : undefined}
              pending={blocker === null && (!previewCurrent || preview.isFetching)}
              error={previewCurrent ? preview.error : null}
            />
            {openAbout.length > 0 && <AboutCard tickets={openAbout} base={base} />}
          </div>
        </div>
      </div>
    </Space>
  );
}

function RoutingCard({
  blocker,
  routing,
  pending,
  error,
}: {
  blocker: string | null;
  routing: { unit: Ticket["unit"]; rule: string } | undefined;
  pending: boolean;
  error: unknown;
}) {
  const t = useText();
  return (
    <Card size="small" title={sectionTitle(t("complaints.routing.title"))} style={{ marginBottom: 12 }}>
      <div role="status" aria-live="polite" aria-busy={pending}>
        {blocker !== null ? (
          <Typography.Text type="secondary">{t(`complaints.routing.needs.${blocker}`)}</Typography.Text>
        ) : error ? (
          <ProblemAlert error={error} />
        ) : routing && !pending ? (
          <Descriptions column={1} size="small">
            <Descriptions.Item label={t("complaints.routing.unit")}>
              <Typography.Text strong>
                <UnitName unit={routing.unit} testId="routing-unit" />
              </Typography.Text>
            </Descriptions.Item>
            <Descriptions.Item label={t("complaints.routing.why")}>
              <span data-testid="routing-rule">{t(`complaints.routing.because.${routing.rule}`)}</span>
            </Descriptions.Item>
          </Descriptions>
        ) : (
          <Typography.Text type="secondary">{t("complaints.routing.asking")}</Typography.Text>
        )}
      </div>
    </Card>
  );
}

function AboutCard({ tickets, base }: { tickets: Ticket[]; base: string }) {
  const t = useText();
  const at = useDateTime();
  return (
    <Card size="small" title={sectionTitle(t("complaints.intake.openAbout", { count: tickets.length }))}>
      <Typography.Paragraph type="secondary">{t("complaints.intake.openAboutHint")}</Typography.Paragraph>
      <Table<Ticket>
        size="small"
        rowKey="id"
        pagination={false}
        dataSource={tickets.slice(0, 10)}
        columns={[
          {
            title: t("complaints.field.ticket"),
            dataIndex: "id",
            render: (id: string) => <Link to={`${base}/tickets/${id}`}>{shortId(id)}</Link>,
          },
          { title: t("complaints.field.kind"), dataIndex: "kind", render: (kind: string) => t(`complaints.kind.${kind}`) },
          { title: t("complaints.field.status"), dataIndex: "status", render: (status: string) => <Tag>{t(`complaints.status.${status}`)}</Tag> },
          { title: t("complaints.field.receivedAt"), dataIndex: "received_at", render: (value: string) => at(value) },
        ]}
      />
    </Card>
  );
}
