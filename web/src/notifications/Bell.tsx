import { BellOutlined } from "@ant-design/icons";
import { App, Badge, Button, List, Popover, Typography } from "antd";
import { useEffect, useState } from "react";
import { FormattedMessage, useIntl } from "react-intl";
import { Link } from "react-router-dom";

import { listen, type Notice } from "./stream";
import { describe } from "./describe";
import { announce } from "./notices";

/** The bell: a count of unread notices, the list, and a toast for each as it arrives. */
export function Bell() {
  const intl = useIntl();
  const { notification } = App.useApp();
  const [notices, setNotices] = useState<Notice[]>([]);
  const [unread, setUnread] = useState(0);

  useEffect(
    () =>
      listen((notice) => {
        setNotices((earlier) => [notice, ...earlier.filter((n) => n.id !== notice.id)].slice(0, 50));
        setUnread((count) => count + 1);
        announce(notice);
        const text = describe(notice);
        notification.info({ title: intl.formatMessage({ id: text.id }, text.values), placement: "bottomRight" });
      }),
    [intl, notification],
  );

  const content = notices.length ? (
    <List
      size="small"
      style={{ width: 320, maxHeight: 400, overflow: "auto" }}
      dataSource={notices}
      renderItem={(notice) => {
        const text = describe(notice);
        return (
          <List.Item>
            {text.link ? (
              <Link to={text.link}>{intl.formatMessage({ id: text.id }, text.values)}</Link>
            ) : (
              intl.formatMessage({ id: text.id }, text.values)
            )}
          </List.Item>
        );
      }}
    />
  ) : (
    <Typography.Text type="secondary">
      <FormattedMessage id="shell.notifications.empty" />
    </Typography.Text>
  );

  return (
    <Popover content={content} trigger="click" onOpenChange={(open) => open && setUnread(0)} placement="bottomRight">
      <Badge count={unread} size="small">
        <Button
          type="text"
          icon={<BellOutlined />}
          aria-label={intl.formatMessage({ id: "shell.notifications" }) + (unread ? ` (${unread})` : "")}
          data-testid="bell"
          style={{ color: "inherit" }}
        />
      </Badge>
    </Popover>
  );
}
