import { AlertOutlined, CalendarOutlined, SendOutlined, ShopOutlined, StopOutlined } from "@ant-design/icons";
import { Route } from "react-router-dom";

import type { RoleModule } from "../role";
import { lazyPage } from "../lazyPage";

const HouseholdPage = lazyPage(() => import("./HouseholdPage"), "HouseholdPage");
const HouseholdsPage = lazyPage(() => import("./HouseholdsPage"), "HouseholdsPage");
const InspectionPage = lazyPage(() => import("./InspectionPage"), "InspectionPage");
const PenaltiesPage = lazyPage(() => import("./PenaltyPage"), "PenaltiesPage");
const PenaltyPage = lazyPage(() => import("./PenaltyPage"), "PenaltyPage");
const PlanPage = lazyPage(() => import("./PlanPage"), "PlanPage");
const TransferPage = lazyPage(() => import("./TransferPage"), "TransferPage");
const TransfersPage = lazyPage(() => import("./TransfersPage"), "TransfersPage");
const UnlicensedPage = lazyPage(() => import("./UnlicensedPage"), "UnlicensedPage");

const inspector: RoleModule = {
  role: "grid_inspector",
  home: "/inspector/households",
  menu: [
    { path: "/inspector/households", label: "inspector.menu.households", icon: <ShopOutlined /> },
    { path: "/inspector/plan", label: "inspector.menu.plan", icon: <CalendarOutlined /> },
    { path: "/inspector/unlicensed", label: "inspector.menu.unlicensed", icon: <AlertOutlined /> },
    { path: "/inspector/penalties", label: "inspector.menu.penalties", icon: <StopOutlined /> },
    { path: "/inspector/case-transfers", label: "transfers.title", icon: <SendOutlined /> },
  ],
  routes: (
    <Route path="inspector">
      <Route path="households" element={<HouseholdsPage />} />
      <Route path="households/:creditCode" element={<HouseholdPage />} />
      <Route path="households/:creditCode/inspection" element={<InspectionPage />} />
      <Route path="plan" element={<PlanPage />} />
      <Route path="unlicensed" element={<UnlicensedPage />} />
      <Route path="case-transfers" element={<TransfersPage />} />
      <Route path="case-transfers/new" element={<TransferPage />} />
      <Route path="penalties" element={<PenaltiesPage />} />
      <Route path="penalties/new" element={<PenaltyPage />} />
    </Route>
  ),
};

export default inspector;
