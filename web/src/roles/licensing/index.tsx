import { CarOutlined, FileAddOutlined, OrderedListOutlined, UploadOutlined } from "@ant-design/icons";
import { Route } from "react-router-dom";

import type { RoleModule } from "../role";
import { ApplicationPage } from "./ApplicationPage";
import { LicencePage } from "./LicencePage";
import { NewApplicationPage } from "./NewApplicationPage";
import { QueuePage } from "./QueuePage";
import { RegisterPage } from "./RegisterPage";
import { VisitsPage } from "./VisitsPage";

const licensing: RoleModule = {
  role: "licensing_clerk",
  home: "/licensing/queue",
  menu: [
    { path: "/licensing/queue", label: "licensing.menu.queue", icon: <OrderedListOutlined /> },
    { path: "/licensing/new", label: "licensing.menu.new", icon: <FileAddOutlined /> },
    { path: "/licensing/visits", label: "licensing.menu.visits", icon: <CarOutlined /> },
    { path: "/licensing/register", label: "licensing.menu.register", icon: <UploadOutlined /> },
  ],
  routes: (
    <Route path="licensing">
      <Route path="queue" element={<QueuePage />} />
      <Route path="new" element={<NewApplicationPage />} />
      <Route path="applications/:id" element={<ApplicationPage />} />
      <Route path="licences/:creditCode" element={<LicencePage />} />
      <Route path="visits" element={<VisitsPage />} />
      <Route path="register" element={<RegisterPage />} />
    </Route>
  ),
};

export default licensing;
