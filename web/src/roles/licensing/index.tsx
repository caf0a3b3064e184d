import { CarOutlined, FileAddOutlined, OrderedListOutlined, SendOutlined, UploadOutlined } from "@ant-design/icons";
import { Route } from "react-router-dom";

import type { RoleModule } from "../role";
import { lazyPage } from "../lazyPage";

const ApplicationPage = lazyPage(() => import("./ApplicationPage"), "ApplicationPage");
const LicencePage = lazyPage(() => import("./LicencePage"), "LicencePage");
const NewApplicationPage = lazyPage(() => import("./NewApplicationPage"), "NewApplicationPage");
const QueuePage = lazyPage(() => import("./QueuePage"), "QueuePage");
const RegisterPage = lazyPage(() => import("./RegisterPage"), "RegisterPage");
const TransfersPage = lazyPage(() => import("./TransfersPage"), "TransfersPage");
const VisitsPage = lazyPage(() => import("./VisitsPage"), "VisitsPage");

const licensing: RoleModule = {
  role: "licensing_clerk",
  home: "/licensing/queue",
  menu: [
    { path: "/licensing/queue", label: "licensing.menu.queue", icon: <OrderedListOutlined /> },
    { path: "/licensing/new", label: "licensing.menu.new", icon: <FileAddOutlined /> },
    { path: "/licensing/visits", label: "licensing.menu.visits", icon: <CarOutlined /> },
    { path: "/licensing/register", label: "licensing.menu.register", icon: <UploadOutlined /> },
    { path: "/licensing/transfers", label: "licensing.menu.transfers", icon: <SendOutlined /> },
  ],
  routes: (
    <Route path="licensing">
      <Route path="queue" element={<QueuePage />} />
      <Route path="new" element={<NewApplicationPage />} />
      <Route path="applications/:id" element={<ApplicationPage />} />
      <Route path="licences/:creditCode" element={<LicencePage />} />
      <Route path="visits" element={<VisitsPage />} />
      <Route path="register" element={<RegisterPage />} />
      <Route path="transfers" element={<TransfersPage />} />
    </Route>
  ),
};

export default licensing;
