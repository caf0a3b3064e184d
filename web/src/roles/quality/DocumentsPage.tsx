import { Button, Card, Form, Input, Modal, Select, Space, Spin, Table, Tag, Typography } from "antd";
import { useState } from "react";
import { FormattedMessage, useIntl } from "react-intl";
import { Link, useNavigate, useSearchParams } from "react-router-dom";

import { showFieldErrors } from "../../common/forms";
import { ProblemAlert } from "../../common/ProblemAlert";
import { useCan, useDocuments, useProcesses, useWriteDocument, type DocumentIn, type DocumentKind, type DocumentSummary, type Process } from "./api";
import { GREEN, RED } from "./colours";

const KINDS = ["procedure", "work_instruction"] as const satisfies readonly DocumentKind[];

/** Controlled documents: each process and the procedure it follows, then every document. */
export function DocumentsPage() {
  const intl = useIntl();
  const t = (id: string) => intl.formatMessage({ id });
  const navigate = useNavigate();
  const acting = useCan("qms_manager");
  const [search, setSearch] = useSearchParams();
  const process = search.get("process") || undefined;
  const kind = KINDS.find((value) => value === search.get("kind"));
  const inForceParam = search.get("in_force");
  const inForce = inForceParam === "true" ? true : inForceParam === "false" ? false : undefined;
  const processes = useProcesses();
  const documents = useDocuments(process, kind, inForce);
  const write = useWriteDocument();
  const [writing, setWriting] = useState(false);
  const [form] = Form.useForm<DocumentIn>();
  const chosenKind = Form.useWatch("kind", form);
  const chosenProcess = Form.useWatch("process", form);
  const procedures = useDocuments(chosenProcess, "procedure", undefined);

  const change = (name: string, value: string | undefined) => {
    const next = new URLSearchParams(search);
    if (value) next.set(name, value);
    else next.delete(name);
    setSearch(next);
  };
  const processOptions = (processes.data ?? []).map((item) => ({ value: item.code, label: item.name }));

  return (
    <Space direction="vertical" style={{ width: "100%" }}>
      <Space style={{ justifyContent: "space-between", width: "100%" }} wrap>
        <Typography.Title level={1} style={{ fontSize: 20, margin: 0 }}>
          <FormattedMessage id="quality.docs.title" />
        </Typography.Title>
        {acting && (
          <Button type="primary" onClick={() => setWriting(true)}>
            <FormattedMessage id="quality.docs.write" />
          </Button>
        )}
      </Space>
      <ProblemAlert error={processes.error ?? documents.error} />
      <Card title={<Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>{t("quality.docs.processes")}</Typography.Title>}>
        <Table<Process>
          rowKey="code"
          size="small"
          pagination={false}
          loading={processes.isPending}
          dataSource={processes.data}
          locale={{ emptyText: t("shell.empty") }}
          columns={[
            { title: t("quality.docs.process"), dataIndex: "name" },
            {
              title: t("quality.field.status"),
              dataIndex: "status",
              render: (status: string) => <Tag color={status === "in_force" ? GREEN : RED}>{t(`quality.processStatus.${status}`)}</Tag>,
            },
            {
              title: t("quality.docs.procedure"),
              dataIndex: "procedure",
              render: (procedure: Process["procedure"]) =>
                procedure ? <Link to={`/quality/documents/${procedure.document_id}`}>{`${procedure.code} ${procedure.title}`}</Link> : "—",
            },
            {
              title: t("quality.docs.inForce"),
              key: "version",
              render: (_: unknown, row) => row.procedure?.in_force_version ?? "—",
            },
          ]}
        />
      </Card>
      <Space wrap>
        <Select
          aria-label={t("quality.docs.process")}
          style={{ width: 320 }}
          value={process ?? "all"}
          onChange={(value: string) => change("process", value === "all" ? undefined : value)}
          options={[{ value: "all", label: t("quality.docs.allProcesses") }, ...processOptions]}
        />
        <Select
          aria-label={t("quality.docs.kind")}
          style={{ width: 180 }}
          value={kind ?? "all"}
          onChange={(value: string) => change("kind", value === "all" ? undefined : value)}
          options={[...KINDS, "all" as const].map((value) => ({ value, label: t(`quality.docKind.${value}`) }))}
        />
        <Select
          aria-label={t("quality.docs.inForce")}
          style={{ width: 180 }}
          value={inForceParam ?? "all"}
          onChange={(value: string) => change("in_force", value === "all" ? undefined : value)}
          options={["true", "false", "all"].map((value) => ({ value, label: t(`quality.docs.inForce.${value}`) }))}
        />
      </Space>
      <Table<DocumentSummary>
        rowKey="id"
        size="small"
        loading={documents.isPending}
        dataSource={documents.data}
        pagination={{ pageSize: 25, hideOnSinglePage: true }}
        locale={{ emptyText: t("shell.empty") }}
        columns={[
          { title: t("quality.docs.code"), dataIndex: "code", render: (code: string, row) => <Link to={`/quality/documents/${row.id}`}>{code}</Link> },
          { title: t("quality.docs.docTitle"), dataIndex: "title" },
          { title: t("quality.docs.kind"), dataIndex: "kind", render: (value: string) => t(`quality.docKind.${value}`) },
          { title: t("quality.docs.process"), dataIndex: "process" },
          { title: t("quality.docs.inForce"), dataIndex: "in_force_version", render: (n: number | null) => n ?? "—" },
          { title: t("quality.docs.latest"), dataIndex: "latest_version" },
        ]}
      />
      <Modal
        open={writing}
        title={t("quality.docs.write")}
        okText={t("shell.submit")}
        cancelText={t("shell.cancel")}
        confirmLoading={write.isPending}
        onCancel={() => setWriting(false)}
        onOk={() => form.submit()}
        width={720}
        destroyOnHidden
      >
        <ProblemAlert error={write.error} />
        <Form<DocumentIn>
          form={form}
          name="document"
          layout="vertical"
          preserve={false}
          initialValues={{ kind: "procedure" }}
          onFinish={async (values) => {
            try {
              const written = await write.mutateAsync({ ...values, procedure_id: values.procedure_id ?? null, change_note: values.change_note || null });
              setWriting(false);
              navigate(`/quality/documents/${written.id}`);
            } catch (error) {
              showFieldErrors(form, error);
            }
          }}
        >
          <Space wrap>
            <Form.Item label={t("quality.docs.kind")} name="kind" rules={[{ required: true }]}>
              <Select style={{ width: 200 }} options={KINDS.map((value) => ({ value, label: t(`quality.docKind.${value}`) }))} />
            </Form.Item>
            <Form.Item label={t("quality.docs.code")} name="code" rules={[{ required: true, max: 40 }]} extra={t("quality.docs.codeHint")}>
              <Input style={{ width: 200 }} />
            </Form.Item>
          </Space>
          <Form.Item label={t("quality.docs.docTitle")} name="title" rules={[{ required: true, whitespace: true, max: 200 }]}>
            <Input />
          </Form.Item>
          <Form.Item label={t("quality.docs.process")} name="process" rules={[{ required: true }]}>
            <Select options={processOptions} />
          </Form.Item>
          {chosenKind === "work_instruction" && (
            <Form.Item label={t("quality.docs.procedure")} name="procedure_id" rules={[{ required: true }]}>
              {/* While the process's procedures load, the open list shows a spinner, not "no data". */}
              <Select
                loading={procedures.isFetching}
                notFoundContent={procedures.isFetching ? <Spin size="small" /> : undefined}
                options={(procedures.data ?? []).map((doc) => ({ value: doc.id, label: `${doc.code} ${doc.title}` }))}
              />
            </Form.Item>
          )}
          <Form.Item label={t("quality.docs.text")} name="text" rules={[{ required: true, whitespace: true }]}>
            <Input.TextArea rows={10} />
          </Form.Item>
          <Form.Item label={t("quality.docs.changeNote")} name="change_note">
            <Input />
          </Form.Item>
        </Form>
      </Modal>
    </Space>
  );
}
