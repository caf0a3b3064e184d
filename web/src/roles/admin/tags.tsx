import { Tag } from "antd";
import { useIntl } from "react-intl";

import type { RolePolicy, User } from "./api";
import { bureauTime, secondFactor, userStatus } from "./rules";

const STATUS_COLOURS = { active: "green", locked: "orange", inactive: "default" } as const;
const FACTOR_COLOURS = { enrolled: "blue", missing: "red", off: "default" } as const;

/** Whether the person can sign in now; a lock shows until when. */
export function StatusTag({ user }: { user: User }) {
  const intl = useIntl();
  const status = userStatus(user);
  return (
    <Tag color={STATUS_COLOURS[status]} data-testid="user-status">
      {status === "locked"
        ? intl.formatMessage({ id: "admin.user.lockedUntil" }, { until: bureauTime(user.locked_until, intl.locale) })
        : intl.formatMessage({ id: `admin.users.status.${status}` })}
    </Tag>
  );
}

/** The second factor as the gateway applies it at sign-in. */
export function SecondFactorTag({ user, policies }: { user: User; policies: RolePolicy[] }) {
  const intl = useIntl();
  const state = secondFactor(user, policies);
  return (
    <Tag color={FACTOR_COLOURS[state]} data-testid="second-factor">
      {intl.formatMessage({ id: `admin.secondFactor.${state}` })}
    </Tag>
  );
}
