import { Button, Card, Descriptions, Modal, Select, Space, Tag, Timeline, Typography } from "antd";
import { useEffect, useState } from "react";
import { FormattedMessage, useIntl } from "react-intl";
import { Link, useParams } from "react-router-dom";

import { useMe } from "../../auth/me";
import { DeadlineTag } from "../../common/DeadlineTag";
import { Loading } from "../../common/Loading";
import { ProblemAlert } from "../../common/ProblemAlert";
import { attachmentBlob, useAssign, useClaim, useGrids, useHousehold, useHouseholdFile, type FileEntry, type Household } from "./api";
import { useText } from "./forms";
import { OutcomeAlert, STATUS_COLOURS } from "./HouseholdsPage";
import { addressText, describeEntry, entryAttachments } from "./rules";

/** A photo (or document) an entry cites, fetched with my token when asked for. */
function AttachmentButton({ reference, index }: { reference: string; index: number }) {
  const t = useText();
  const [url, setUrl] = useState<string | null>(null);
  const [kind, setKind] = useState("");
  const [error, setError] = useState<unknown>(null);
  useEffect(() => () => void (url && URL.revokeObjectURL(url)), [url]);
  const open = async () => {
    try {
      const blob = await attachmentBlob(reference);
      setKind(blob.type);
      setUrl(URL.createObjectURL(blob));
    } catch (caught) {
      setError(caught);
    }
  };
  return (
    <>
      <Button size="small" onClick={() => void open()} data-testid="attachment">
        <FormattedMessage id="inspector.file.attachment" values={{ n: index + 1 }} />
      </Button>
      <ProblemAlert error={error} />
      <Modal
        open={url !== null}
        onCancel={() => setUrl(null)}
        footer={null}
        title={t("inspector.file.attachment", { n: index + 1 })}
        width={720}
      >
        {url && kind.startsWith("image/") ? (
          <img src={url} alt={t("inspector.file.photoOf", { n: index + 1 })} style={{ maxWidth: "100%" }} />
        ) : (
          url && (
            <a href={url} download={reference.slice(7, 19)}>
              <FormattedMessage id="inspector.file.download" />
            </a>
          )
        )}
      </Modal>
    </>
  );
}

/** The supervision file: every entry, oldest first, as the service keeps it. */
export function SupervisionFile({ creditCode }: { creditCode: string }) {
  const intl = useIntl();
  const t = useText();
  const file = useHouseholdFile(creditCode);
  const label = (entry: FileEntry) => {
    const said = describeEntry(entry);
    return intl.formatMessage({ id: said.id }, said.values);
  };
  return (
    <Card title={<Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>{t("inspector.file.title")}</Typography.Title>}>
      <ProblemAlert error={file.error} />
      {file.isPending ? (
        <Loading />
      ) : (
        <Timeline
          data-testid="supervision-file"
          items={(file.data ?? []).map((entry) => ({
            color: entry.kind === "overdue" || entry.kind === "penalty" ? "red" : entry.kind === "inspection" ? "green" : "blue",
            content: (
              <div data-kind={entry.kind}>
                <Typography.Text type="secondary">
                  {new Date(entry.at).toLocaleString(intl.locale)}
                  {entry.actor ? ` · ${entry.actor}` : ""}
                </Typography.Text>{" "}
                <Tag>{intl.messages[`inspector.fileKind.${entry.kind}`] ? t(`inspector.fileKind.${entry.kind}`) : entry.kind}</Tag>
                <div>{label(entry)}</div>
                {entryAttachments(entry).length > 0 && (
                  <Space wrap style={{ marginTop: 4 }}>
                    {entryAttachments(entry).map((reference, index) => (
                      <AttachmentButton key={reference} reference={reference} index={index} />
                    ))}
                  </Space>
                )}
              </div>
            ),
          }))}
        />
      )}
    </Card>
  );
}

/** The office head puts a household in one of the office's grids. */
function AssignControl({ household }: { household: Household }) {
  const t = useText();
  const me = useMe();
  const grids = useGrids(me.data?.office);
  const [grid, setGrid] = useState<string>();
  const assign = useAssign(grid);
  return (
    <Space wrap>
      <Select
        aria-label={t("office.assign.grid")}
        placeholder={t("office.assign.grid")}
        style={{ minWidth: 220 }}
        value={grid}
        onChange={setGrid}
        options={(grids.data ?? []).map((g) => ({ value: g.id, label: `${g.name}（${g.owner}）` }))}
      />
      <Button disabled={!grid} loading={assign.isPending} onClick={() => assign.mutate([household.credit_code])}>
        <FormattedMessage id="office.assign.action" />
      </Button>
      <OutcomeAlert outcome={assign.data} doneKey="office.assign.done" />
    </Space>
  );
}

/** One household: who supervises it, what to do next, and its supervision file. */
export function HouseholdPage({ role = "inspector" }: { role?: "inspector" | "office" }) {
  const { creditCode = "" } = useParams();
  const intl = useIntl();
  const t = useText();
  const household = useHousehold(creditCode);
  const claim = useClaim();
  if (household.isPending) return <Loading />;
  if (!household.data) return <ProblemAlert error={household.error} />;
  const record = household.data;
  const when = (value: string | null) => (value ? new Date(value).toLocaleString(intl.locale) : "—");
  const actions = (
    <Space wrap>
      {role === "inspector" && record.status === "assigned" && (
        <Button type="primary" loading={claim.isPending} onClick={() => claim.mutate([record.credit_code])}>
          <FormattedMessage id="inspector.claim.action" />
        </Button>
      )}
      {role === "inspector" && (
        <Link to={`/inspector/households/${record.credit_code}/inspection`}>
          <Button type={record.status === "claimed" ? "primary" : "default"}>{t("inspector.inspection.new")}</Button>
        </Link>
      )}
      <Link to={`/${role}/penalties/new?credit_code=${record.credit_code}`}>
        <Button>{t("inspector.penalty.new")}</Button>
      </Link>
      <Link to={`/${role}/case-transfers/new?credit_code=${record.credit_code}`}>
        <Button>{t("inspector.transfer.new")}</Button>
      </Link>
    </Space>
  );
  return (
    <Space orientation="vertical" style={{ width: "100%" }}>
      <Card
        title={
          <Typography.Title level={1} style={{ fontSize: 20, margin: 0, whiteSpace: "normal" }}>
            {record.name ?? record.credit_code}
          </Typography.Title>
        }
        extra={
          <Tag color={STATUS_COLOURS[record.status]} data-testid="household-status">
            {t(`inspector.status.${record.status}`)}
          </Tag>
        }
      >
        <ProblemAlert error={claim.error} />
        <OutcomeAlert outcome={claim.data?.failed.length ? claim.data : undefined} doneKey="inspector.claim.done" />
        <Descriptions column={{ xs: 1, md: 2 }} size="small">
          <Descriptions.Item label={t("inspector.field.creditCode")}>{record.credit_code}</Descriptions.Item>
          <Descriptions.Item label={t("inspector.field.operator")}>{record.operator_name}</Descriptions.Item>
          <Descriptions.Item label={t("inspector.field.address")}>{addressText(record.address)}</Descriptions.Item>
          <Descriptions.Item label={t("inspector.field.scope")}>{record.business_scope.join("、")}</Descriptions.Item>
          <Descriptions.Item label={t("inspector.field.grid")}>{record.grid_id ?? "—"}</Descriptions.Item>
          <Descriptions.Item label={t("inspector.field.owner")}>
            {record.owner ?? "—"}
            {record.agent ? ` (${t("inspector.field.agent")}: ${record.agent})` : ""}
          </Descriptions.Item>
          {record.status === "assigned" && (
            <Descriptions.Item label={t("inspector.field.claimDeadline")}>
              <DeadlineTag due={record.claim_deadline} />
            </Descriptions.Item>
          )}
          <Descriptions.Item label={t("inspector.field.assignedAt")}>{when(record.assigned_at)}</Descriptions.Item>
          {record.claimed_at && (
            <Descriptions.Item label={t("inspector.field.claimedAt")}>
              {when(record.claimed_at)} · {record.claimed_by}
            </Descriptions.Item>
          )}
        </Descriptions>
        <div style={{ marginTop: 16 }}>{actions}</div>
        {role === "office" && record.status !== "cancelled" && (
          <div style={{ marginTop: 16 }}>
            <AssignControl household={record} />
          </div>
        )}
      </Card>
      <SupervisionFile creditCode={record.credit_code} />
    </Space>
  );
}
