import { BarChartOutlined, InboxOutlined, SendOutlined, TeamOutlined, ThunderboltOutlined } from "@ant-design/icons";
import { Route } from "react-router-dom";

import type { RoleModule } from "../role";
import { lazyPage } from "../lazyPage";

const HouseholdPage = lazyPage(() => import("../inspector/HouseholdPage"), "HouseholdPage");
const PenaltiesPage = lazyPage(() => import("../inspector/PenaltyPage"), "PenaltiesPage");
const PenaltyPage = lazyPage(() => import("../inspector/PenaltyPage"), "PenaltyPage");
const TransferPage = lazyPage(() => import("../inspector/TransferPage"), "TransferPage");
const TransfersPage = lazyPage(() => import("../inspector/TransfersPage"), "TransfersPage");
const DelegationsPage = lazyPage(() => import("./DelegationsPage"), "DelegationsPage");
const OverviewPage = lazyPage(() => import("./OverviewPage"), "OverviewPage");
const RandomPlanPage = lazyPage(() => import("./RandomPlanPage"), "RandomPlanPage");
const RandomPlansPage = lazyPage(() => import("./RandomPlansPage"), "RandomPlansPage");
const UnroutedPage = lazyPage(() => import("./UnroutedPage"), "UnroutedPage");

const office: RoleModule = {
  role: "office_head",
  home: "/office/unrouted",
  menu: [
    { path: "/office/unrouted", label: "office.menu.unrouted", icon: <InboxOutlined /> },
    { path: "/office/overview", label: "office.menu.overview", icon: <BarChartOutlined /> },
    { path: "/office/delegations", label: "office.menu.delegations", icon: <TeamOutlined /> },
    { path: "/office/random-inspections", label: "office.menu.random", icon: <ThunderboltOutlined /> },
    { path: "/office/case-transfers", label: "transfers.title", icon: <SendOutlined /> },
  ],
  routes: (
    <Route path="office">
      <Route path="unrouted" element={<UnroutedPage />} />
      <Route path="overview" element={<OverviewPage />} />
      <Route path="delegations" element={<DelegationsPage />} />
      <Route path="random-inspections" element={<RandomPlansPage />} />
      <Route path="random-inspections/:planId" element={<RandomPlanPage />} />
      <Route path="households/:creditCode" element={<HouseholdPage role="office" />} />
      <Route path="penalties" element={<PenaltiesPage base="/office" />} />
      <Route path="penalties/new" element={<PenaltyPage base="/office" />} />
      <Route path="case-transfers" element={<TransfersPage />} />
      <Route path="case-transfers/new" element={<TransferPage base="/office" />} />
    </Route>
  ),
};

export default office;
