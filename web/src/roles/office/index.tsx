import { BarChartOutlined, InboxOutlined, TeamOutlined } from "@ant-design/icons";
import { Route } from "react-router-dom";

import type { RoleModule } from "../role";
import { HouseholdPage } from "../inspector/HouseholdPage";
import { PenaltiesPage, PenaltyPage } from "../inspector/PenaltyPage";
import { TransferPage } from "../inspector/TransferPage";
import { DelegationsPage } from "./DelegationsPage";
import { OverviewPage } from "./OverviewPage";
import { UnroutedPage } from "./UnroutedPage";

const office: RoleModule = {
  role: "office_head",
  home: "/office/unrouted",
  menu: [
    { path: "/office/unrouted", label: "office.menu.unrouted", icon: <InboxOutlined /> },
    { path: "/office/overview", label: "office.menu.overview", icon: <BarChartOutlined /> },
    { path: "/office/delegations", label: "office.menu.delegations", icon: <TeamOutlined /> },
  ],
  routes: (
    <Route path="office">
      <Route path="unrouted" element={<UnroutedPage />} />
      <Route path="overview" element={<OverviewPage />} />
      <Route path="delegations" element={<DelegationsPage />} />
      <Route path="households/:creditCode" element={<HouseholdPage role="office" />} />
      <Route path="penalties" element={<PenaltiesPage base="/office" />} />
      <Route path="penalties/new" element={<PenaltyPage base="/office" />} />
      <Route path="case-transfers/new" element={<TransferPage base="/office" />} />
    </Route>
  ),
};

export default office;
