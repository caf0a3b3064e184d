import { Button, Card, Descriptions, Form, Input, Modal, Space, Table, Tag, Tooltip, Typography } from "antd";
import { useEffect, useState } from "react";
import { FormattedMessage, useIntl } from "react-intl";
import { useParams } from "react-router-dom";

import { useMe } from "../../auth/me";
import { bureauToday } from "../../common/deadline";
import { showFieldErrors } from "../../common/forms";
import { Loading } from "../../common/Loading";
import { ProblemAlert } from "../../common/ProblemAlert";
import { useApprove, useCan, useDocument, useVersionText, useWriteVersion, type Version, type VersionIn } from "./api";
import { bureauTime, dueNotPast, mayApprove } from "./rules";
import { BLUE, GREEN, GREY } from "./colours";

const VERSION_COLOURS: Record<string, string> = { draft: GREY, approved: BLUE, in_force: GREEN, superseded: GREY };

/** A controlled document: its versions and where each stands, the next version, approval. */
export function DocumentPage() {
  const { id = "" } = useParams();
  const intl = useIntl();
  const t = (key: string, values?: Record<string, string | number>) => intl.formatMessage({ id: key }, values);
  const me = useMe();
  const acting = useCan("qms_manager");
  const document = useDocument(id);
  const [reading, setReading] = useState<number | null>(null);
  const [approving, setApproving] = useState<number | null>(null);
  const [effective, setEffective] = useState("");
  const latest = document.data?.latest_version ?? null;
  const shown = useVersionText(id, reading);
  const latestText = useVersionText(id, acting ? latest : null);
  const writeVersion = useWriteVersion(id);
  const approve = useApprove(id);
  const [form] = Form.useForm<VersionIn>();
  const today = bureauToday();

  useEffect(() => {
    if (latestText.data) form.setFieldsValue({ text: latestText.data.text });
  }, [latestText.data, form]);

  if (document.isPending) return <Loading />;
  if (!document.data) return <ProblemAlert error={document.error} />;
  const record = document.data;
  const when = (at: string | null) => bureauTime(at, intl.locale) || "—";

  return (
    <Space direction="vertical" style={{ width: "100%" }}>
      <Card title={<Typography.Title level={1} style={{ fontSize: 20, margin: 0 }}>{`${record.code} ${record.title}`}</Typography.Title>}>
        <Descriptions column={{ xs: 1, md: 3 }} size="small">
          <Descriptions.Item label={t("quality.docs.kind")}>{t(`quality.docKind.${record.kind}`)}</Descriptions.Item>
          <Descriptions.Item label={t("quality.docs.process")}>{record.process}</Descriptions.Item>
          <Descriptions.Item label={t("quality.docs.inForce")}>{record.in_force_version ?? "—"}</Descriptions.Item>
          <Descriptions.Item label={t("quality.docs.createdBy")}>{`${record.created_by} · ${when(record.created_at)}`}</Descriptions.Item>
        </Descriptions>
      </Card>
      <ProblemAlert error={approve.error} />
      <Card title={<Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>{t("quality.docs.versions")}</Typography.Title>}>
        <Table<Version>
          rowKey="number"
          size="small"
          pagination={false}
          dataSource={record.versions}
          locale={{ emptyText: t("shell.empty") }}
          columns={[
            { title: "#", dataIndex: "number", width: 48 },
            {
              title: t("quality.field.status"),
              dataIndex: "status",
              render: (status: string) => <Tag color={VERSION_COLOURS[status]}>{t(`quality.versionStatus.${status}`)}</Tag>,
            },
            { title: t("quality.docs.author"), dataIndex: "author", render: (author: string, row) => `${author} · ${when(row.created_at)}` },
            { title: t("quality.docs.changeNote"), dataIndex: "change_note" },
            { title: t("quality.docs.approver"), dataIndex: "approver", render: (approver: string | null, row) => (approver ? `${approver} · ${when(row.approved_at)}` : "—") },
            { title: t("quality.docs.effective"), dataIndex: "effective_date", render: (day: string | null) => day ?? "—" },
            {
              title: t("quality.docs.do"),
              key: "do",
              render: (_: unknown, row) => (
                <Space>
                  <Button size="small" onClick={() => setReading(row.number)}>
                    {t("quality.docs.read", { number: row.number })}
                  </Button>
                  {acting && row.status === "draft" && (
                    <Tooltip title={mayApprove(row, me.data?.sub) ? undefined : t("quality.docs.ownDraft")}>
                      <Button
                        size="small"
                        type="primary"
                        disabled={!mayApprove(row, me.data?.sub)}
                        onClick={() => {
                          setEffective(today);
                          setApproving(row.number);
                        }}
                      >
                        {t("quality.docs.approve", { number: row.number })}
                      </Button>
                    </Tooltip>
                  )}
                </Space>
              ),
            },
          ]}
        />
      </Card>
      {reading !== null && (
        <Card
          title={<Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>{t("quality.docs.textOf", { number: reading })}</Typography.Title>}
          extra={<Button onClick={() => setReading(null)}>{t("quality.close")}</Button>}
        >
          <ProblemAlert error={shown.error} />
          {shown.isPending ? <Loading /> : <pre className="qms-pre">{shown.data?.text}</pre>}
        </Card>
      )}
      {acting && (
        <Card title={<Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>{t("quality.docs.newVersion")}</Typography.Title>}>
          <ProblemAlert error={writeVersion.error} />
          <Form<VersionIn>
            form={form}
            name="version"
            layout="vertical"
            style={{ maxWidth: 900 }}
            onFinish={async (values) => {
              try {
                await writeVersion.mutateAsync(values);
                form.setFieldValue("change_note", "");
              } catch (error) {
                showFieldErrors(form, error);
              }
            }}
          >
            <Form.Item label={t("quality.docs.text")} name="text" rules={[{ required: true, whitespace: true }]}>
              <Input.TextArea rows={12} />
            </Form.Item>
            <Form.Item label={t("quality.docs.changeNote")} name="change_note" rules={[{ required: true, whitespace: true }]}>
              <Input />
            </Form.Item>
            <Button type="primary" htmlType="submit" loading={writeVersion.isPending}>
              <FormattedMessage id="quality.docs.saveVersion" />
            </Button>
          </Form>
        </Card>
      )}
      <Modal
        open={approving !== null}
        title={t("quality.docs.approve", { number: approving ?? 0 })}
        okText={t("shell.submit")}
        cancelText={t("shell.cancel")}
        okButtonProps={{ disabled: !dueNotPast(effective, today) }}
        confirmLoading={approve.isPending}
        onCancel={() => setApproving(null)}
        onOk={async () => {
          if (approving !== null) await approve.mutateAsync({ n: approving, effectiveDate: effective }).catch(() => undefined);
          setApproving(null);
        }}
      >
        <label htmlFor="approve-effective">
          <FormattedMessage id="quality.docs.effective" />
        </label>
        <Input id="approve-effective" type="date" min={today} value={effective} onChange={(event) => setEffective(event.target.value)} />
      </Modal>
    </Space>
  );
}
