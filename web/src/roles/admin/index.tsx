import {
  ApiOutlined,
  BankOutlined,
  KeyOutlined,
  LinkOutlined,
  SafetyCertificateOutlined,
  SafetyOutlined,
  TeamOutlined,
} from "@ant-design/icons";
import { Route } from "react-router-dom";

import type { RoleModule } from "../role";
import { lazyPage } from "../lazyPage";

const ClientsPage = lazyPage(() => import("./ClientsPage"), "ClientsPage");
const NewUserPage = lazyPage(() => import("./NewUserPage"), "NewUserPage");
const OfficesPage = lazyPage(() => import("./OfficesPage"), "OfficesPage");
const Open311KeysPage = lazyPage(() => import("./Open311KeysPage"), "Open311KeysPage");
const RolesPage = lazyPage(() => import("./RolesPage"), "RolesPage");
const SigningKeysPage = lazyPage(() => import("./SigningKeysPage"), "SigningKeysPage");
const UserPage = lazyPage(() => import("./UserPage"), "UserPage");
const UsersPage = lazyPage(() => import("./UsersPage"), "UsersPage");
const WebhookHostsPage = lazyPage(() => import("./WebhookHostsPage"), "WebhookHostsPage");

const admin: RoleModule = {
  role: "admin",
  home: "/admin/users",
  menu: [
    { path: "/admin/users", label: "admin.menu.users", icon: <TeamOutlined /> },
    { path: "/admin/roles", label: "admin.menu.roles", icon: <SafetyCertificateOutlined /> },
    { path: "/admin/offices", label: "admin.menu.offices", icon: <BankOutlined /> },
    { path: "/admin/clients", label: "admin.menu.clients", icon: <ApiOutlined /> },
    { path: "/admin/open311-keys", label: "admin.menu.keys", icon: <KeyOutlined /> },
    { path: "/admin/signing-keys", label: "admin.menu.signing", icon: <SafetyOutlined /> },
    { path: "/admin/webhook-hosts", label: "admin.menu.hosts", icon: <LinkOutlined /> },
  ],
  routes: (
    <Route path="admin">
      <Route path="users" element={<UsersPage />} />
      <Route path="users/new" element={<NewUserPage />} />
      <Route path="users/:username" element={<UserPage />} />
      <Route path="roles" element={<RolesPage />} />
      <Route path="offices" element={<OfficesPage />} />
      <Route path="clients" element={<ClientsPage />} />
      <Route path="open311-keys" element={<Open311KeysPage />} />
      <Route path="signing-keys" element={<SigningKeysPage />} />
      <Route path="webhook-hosts" element={<WebhookHostsPage />} />
    </Route>
  ),
};

export default admin;
