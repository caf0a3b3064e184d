import { App, Button, Form, Input, Modal, Segmented, Select, Space, Table, Tag, Typography } from "antd";
import { useState, type HTMLAttributes } from "react";
import { FormattedMessage, useIntl } from "react-intl";
import { Link, useNavigate, useSearchParams } from "react-router-dom";

import { DeadlineTag } from "../../common/DeadlineTag";
import { showFieldErrors } from "../../common/forms";
import { ProblemAlert } from "../../common/ProblemAlert";
import { ActionForm } from "./ActionForm";
import { useCan, useNonconformities, usePlanAction, useRaise, type ActionIn, type Nonconformity, type NonconformityIn } from "./api";
import { bureauTime, NC_SOURCES, NC_STATUSES, nextDue, type NcStatus } from "./rules";
import { BLUE, GOLD, GREEN, RED } from "./colours";

export const STATUS_COLOURS: Record<string, string> = {
  open: RED,
  in_progress: BLUE,
  awaiting_check: GOLD,
  closed: GREEN,
};

/** Nonconformities by status and source, the soonest corrective action due first within a status. */
export function NonconformitiesPage() {
  const intl = useIntl();
  const t = (id: string, values?: Record<string, string | number>) => intl.formatMessage({ id }, values);
  const { message } = App.useApp();
  const navigate = useNavigate();
  const acting = useCan("qms_manager");
  // Filters in the address: going to a nonconformity and back keeps them.
  const [search, setSearch] = useSearchParams();
  const statusParam = search.get("status");
  const status: NcStatus | undefined =
    statusParam === "all" ? undefined : (NC_STATUSES.find((value) => value === statusParam) ?? "open");
  const source = NC_SOURCES.find((value) => value === search.get("source"));
  const office = search.get("office") || undefined;
  const found = useNonconformities(status, source, office);
  const [selected, setSelected] = useState<string[]>([]);
  const [raising, setRaising] = useState(false);
  const [planning, setPlanning] = useState(false);
  const raise = useRaise();
  const plan = usePlanAction();
  const [raiseForm] = Form.useForm<NonconformityIn>();

  const change = (name: string, value: string | undefined) => {
    const next = new URLSearchParams(search);
    if (value) next.set(name, value);
    else next.delete(name);
    setSearch(next);
    setSelected([]);
  };

  const planForSelected = async (action: ActionIn) => {
    let done = 0;
    for (const id of selected) {
      await plan.mutateAsync({ id, body: action });
      done += 1;
    }
    message.success(t("quality.nc.bulkPlanned", { count: done }));
    setSelected([]);
    setPlanning(false);
  };

  const rows = [...(found.data ?? [])].sort((a, b) => (nextDue(a.actions) ?? "9").localeCompare(nextDue(b.actions) ?? "9"));
  return (
    <Space direction="vertical" style={{ width: "100%" }}>
      <Space style={{ justifyContent: "space-between", width: "100%" }} wrap>
        <Typography.Title level={1} style={{ fontSize: 20, margin: 0 }}>
          <FormattedMessage id="quality.nc.title" />
        </Typography.Title>
        <Space wrap>
          <Button className="no-print" loading={found.isFetching} onClick={() => void found.refetch()}>
            <FormattedMessage id="shell.refresh" />
          </Button>
          {acting && (
            <Button disabled={selected.length === 0} onClick={() => setPlanning(true)}>
              {t("quality.nc.bulkPlan", { count: selected.length })}
            </Button>
          )}
          {acting && (
            <Button type="primary" onClick={() => setRaising(true)}>
              <FormattedMessage id="quality.nc.raise" />
            </Button>
          )}
        </Space>
      </Space>
      <Space wrap>
        <Segmented
          aria-label={t("quality.field.status")}
          value={status ?? "all"}
          onChange={(value) => change("status", String(value))}
          options={[...NC_STATUSES, "all" as const].map((value) => ({ value, label: t(`quality.ncStatus.${value}`) }))}
        />
        <Select
          aria-label={t("quality.field.source")}
          style={{ width: 200 }}
          value={source ?? "all"}
          onChange={(value: string) => change("source", value === "all" ? undefined : value)}
          options={[...NC_SOURCES, "all" as const].map((value) => ({ value, label: t(`quality.ncSource.${value}`) }))}
        />
        <Input.Search
          aria-label={t("quality.field.office")}
          allowClear
          placeholder={t("quality.field.office")}
          defaultValue={office}
          onSearch={(value) => change("office", value.trim() || undefined)}
          style={{ width: 220 }}
        />
      </Space>
      <ProblemAlert error={found.error ?? plan.error} />
      <Table<Nonconformity>
        rowKey="id"
        size="small"
        loading={found.isPending}
        dataSource={rows}
        pagination={{ pageSize: 25, hideOnSinglePage: true }}
        locale={{ emptyText: t("shell.empty") }}
        rowSelection={
          acting
            ? {
                selectedRowKeys: selected,
                onChange: (keys) => setSelected(keys.map(String)),
                getCheckboxProps: (row) => ({ disabled: row.status === "closed", "aria-label": row.subject }),
              }
            : undefined
        }
        onRow={(row) => ({ "data-testid": `nc-${row.subject}` }) as HTMLAttributes<HTMLElement>}
        columns={[
          {
            title: t("quality.nc.raisedAt"),
            dataIndex: "raised_at",
            render: (at: string) => bureauTime(at, intl.locale, false),
          },
          {
            title: t("quality.field.source"),
            dataIndex: "source",
            render: (value: string) => t(`quality.ncSource.${value}`),
          },
          { title: t("quality.nc.basis"), dataIndex: "basis_code" },
          {
            title: t("quality.nc.subject"),
            dataIndex: "subject",
            render: (subject: string, row) => <Link to={`/quality/nonconformities/${row.id}`}>{subject}</Link>,
          },
          { title: t("quality.field.office"), dataIndex: "office", render: (value: string | null) => value ?? t("quality.bureau") },
          { title: t("quality.nc.description"), dataIndex: "description", ellipsis: true },
          {
            title: t("quality.field.status"),
            dataIndex: "status",
            render: (value: string) => <Tag color={STATUS_COLOURS[value]}>{t(`quality.ncStatus.${value}`)}</Tag>,
          },
          {
            title: t("quality.nc.nextDue"),
            key: "due",
            render: (_: unknown, row) => <DeadlineTag due={nextDue(row.actions)} />,
          },
        ]}
      />
      <Modal
        open={raising}
        title={t("quality.nc.raise")}
        okText={t("shell.submit")}
        cancelText={t("shell.cancel")}
        confirmLoading={raise.isPending}
        onCancel={() => setRaising(false)}
        onOk={() => raiseForm.submit()}
        destroyOnHidden
      >
        <ProblemAlert error={raise.error} />
        <Form<NonconformityIn>
          form={raiseForm}
          name="raise"
          layout="vertical"
          preserve={false}
          onFinish={async (values) => {
            try {
              const raised = await raise.mutateAsync({
                ...values,
                office: values.office?.trim() || null,
                basis_code: values.basis_code?.trim() || null,
              });
              setRaising(false);
              navigate(`/quality/nonconformities/${raised.id}`);
            } catch (error) {
              showFieldErrors(raiseForm, error);
            }
          }}
        >
          <Form.Item label={t("quality.nc.subject")} name="subject" rules={[{ required: true, whitespace: true, max: 100 }]} extra={t("quality.nc.subjectHint")}>
            <Input />
          </Form.Item>
          <Form.Item label={t("quality.nc.description")} name="description" rules={[{ required: true, whitespace: true, max: 4000 }]}>
            <Input.TextArea rows={3} />
          </Form.Item>
          <Form.Item label={t("quality.field.office")} name="office" rules={[{ max: 64 }]}>
            <Input />
          </Form.Item>
          <Form.Item label={t("quality.nc.basis")} name="basis_code" rules={[{ max: 100 }]} extra={t("quality.nc.basisHint")}>
            <Input />
          </Form.Item>
        </Form>
      </Modal>
      <Modal
        open={planning}
        title={t("quality.nc.bulkPlan", { count: selected.length })}
        footer={null}
        onCancel={() => setPlanning(false)}
        destroyOnHidden
      >
        <Typography.Paragraph>
          <FormattedMessage id="quality.nc.bulkPlanHint" values={{ count: selected.length }} />
        </Typography.Paragraph>
        <ActionForm id="bulk-plan" onSubmit={planForSelected} pending={plan.isPending} submitLabel={t("quality.nc.plan")} />
      </Modal>
    </Space>
  );
}
