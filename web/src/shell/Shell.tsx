import { useQueryClient } from "@tanstack/react-query";
import { Button, Layout, Menu, Typography } from "antd";
import { Suspense, useMemo } from "react";
import { FormattedMessage, useIntl } from "react-intl";
import { Link, Navigate, Outlet, useLocation, useNavigate } from "react-router-dom";

import { useMe } from "../auth/me";
import { session } from "../auth/session";
import { Bell } from "../notifications/Bell";
import { ROLE_MODULES } from "../roles";
import { LanguageSwitch } from "./LanguageSwitch";
import { Loading } from "../common/Loading";

/** The signed-in frame: the roles' menus on the side, the bell, language and sign-out on top. */
export function Shell() {
  const intl = useIntl();
  const navigate = useNavigate();
  const location = useLocation();
  const me = useMe();
  const queryClient = useQueryClient();
  const modules = useMemo(
    () => ROLE_MODULES.filter((module) => me.data?.roles.includes(module.role)),
    [me.data],
  );
  if (!session.signedIn) return <Navigate to="/sign-in" replace />;
  if (me.isPending) return <Loading />;

  const items = modules.map((module) => ({
    key: module.role,
    label: intl.formatMessage({ id: `shell.role.${module.role}` }),
    type: "group" as const,
    children: module.menu.map((entry) => ({
      key: entry.path,
      icon: entry.icon,
      label: <Link to={entry.path}>{intl.formatMessage({ id: entry.label })}</Link>,
    })),
  }));
  const selected = modules
    .flatMap((module) => module.menu.map((entry) => entry.path))
    .filter((path) => location.pathname.startsWith(path))
    .sort((a, b) => b.length - a.length)
    .slice(0, 1);

  return (
    <Layout style={{ minHeight: "100vh" }}>
      <Layout.Header className="shell-header">
        <Typography.Text strong className="shell-title">
          <Link to="/">
            <FormattedMessage id="shell.title" />
          </Link>
        </Typography.Text>
        <span className="shell-tools">
          <Bell />
          <LanguageSwitch />
          <Typography.Text className="shell-user">{me.data?.name}</Typography.Text>
          <Button
            type="link"
            onClick={async () => {
              await session.signOut();
              queryClient.clear(); // the next person must not see this one's cached answers
              navigate("/sign-in", { replace: true });
            }}
          >
            <FormattedMessage id="shell.signOut" />
          </Button>
        </span>
      </Layout.Header>
      <Layout>
        <Layout.Sider breakpoint="md" collapsedWidth={0} width={220} theme="light" className="shell-sider">
          <nav aria-label={intl.formatMessage({ id: "shell.nav.home" })}>
            <Menu mode="inline" items={items} selectedKeys={selected} />
          </nav>
        </Layout.Sider>
        <Layout.Content className="shell-content">
          <Suspense fallback={<Loading />}>
            <Outlet />
          </Suspense>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}

/** `/`: the first of my roles' home screens. */
export function Home() {
  const me = useMe();
  if (me.isPending) return <Loading />;
  const first = ROLE_MODULES.find((module) => me.data?.roles.includes(module.role));
  return first ? <Navigate to={first.home} replace /> : <Navigate to="/sign-in" replace />;
}
