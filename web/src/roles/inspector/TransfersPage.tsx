import { Space, Typography } from "antd";

import { ProblemAlert } from "../../common/ProblemAlert";
import { TransfersTable } from "../../common/transfers/TransfersTable";
import { useCaseTransfers } from "./api";
import { useText } from "./forms";

/** The case sources transferred in my scope and what enforcement reported of each (通报备案). */
export function TransfersPage() {
  const t = useText();
  const transfers = useCaseTransfers();
  return (
    <Space orientation="vertical" style={{ width: "100%" }}>
      <Typography.Title level={1} style={{ fontSize: 20, margin: 0 }}>
        {t("transfers.title")}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t("transfers.hint")}</Typography.Paragraph>
      <ProblemAlert error={transfers.error} />
      <TransfersTable rows={transfers.data ?? []} loading={transfers.isPending} />
    </Space>
  );
}
