import { Button, Table, Typography } from "antd";
import { FormattedMessage, useIntl } from "react-intl";
import { Link } from "react-router-dom";

import { ProblemAlert } from "../../common/ProblemAlert";
import { useVisits } from "./api";

/** The mobile van's visit list: unlicensed traders found by inspectors, waiting to be registered. */
export function VisitsPage() {
  const intl = useIntl();
  const t = (id: string) => intl.formatMessage({ id });
  const visits = useVisits();
  return (
    <>
      <Typography.Title level={1} style={{ fontSize: 20 }}>
        <FormattedMessage id="licensing.visits.title" />
      </Typography.Title>
      <ProblemAlert error={visits.error} />
      <Table
        rowKey="finding_id"
        loading={visits.isPending}
        dataSource={visits.data ?? []}
        locale={{ emptyText: t("shell.empty") }}
        columns={[
          { title: t("licensing.field.address"), render: (_, visit) => visit.address.text },
          { title: t("licensing.visits.street"), dataIndex: "street_code" },
          { title: t("licensing.visits.description"), dataIndex: "description" },
          { title: t("licensing.visits.foundAt"), dataIndex: "found_at", render: (at: string) => new Date(at).toLocaleDateString(intl.locale) },
          {
            title: t("licensing.visits.register"),
            render: (_, visit) => (
              <Link to={`/licensing/new?finding=${visit.finding_id}`}>
                <Button size="small">{t("licensing.visits.register")}</Button>
              </Link>
            ),
          },
        ]}
      />
    </>
  );
}
