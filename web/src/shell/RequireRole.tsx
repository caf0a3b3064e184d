import { Result } from "antd";
import { useIntl } from "react-intl";
import { Outlet } from "react-router-dom";

import { useMe } from "../auth/me";

/** A role's screens, for people holding the role (the auditor reads every screen). */
export function RequireRole({ role }: { role: string }) {
  const intl = useIntl();
  const me = useMe();
  const roles = me.data?.roles ?? [];
  if (roles.includes(role) || roles.includes("auditor")) return <Outlet />;
  return <Result status="403" title={intl.formatMessage({ id: "shell.forbidden" })} />;
}
