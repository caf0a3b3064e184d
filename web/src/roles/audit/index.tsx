import { SafetyCertificateOutlined } from "@ant-design/icons";
import { Route } from "react-router-dom";

import { QUALITY_MENU } from "../quality";
import type { RoleModule } from "../role";
import "../quality/quality.css";
import { lazyPage } from "../lazyPage";

const TrailPage = lazyPage(() => import("./TrailPage"), "TrailPage");

/** The auditor reads: any subject's trail and the log's verification first, then the quality
 * office's screens (RequireRole lets an auditor open them; their action buttons are hidden). */
const audit: RoleModule = {
  role: "auditor",
  home: "/audit/trail",
  menu: [{ path: "/audit/trail", label: "audit.menu.trail", icon: <SafetyCertificateOutlined /> }, ...QUALITY_MENU],
  routes: (
    <Route path="audit">
      <Route path="trail" element={<TrailPage />} />
    </Route>
  ),
};

export default audit;
