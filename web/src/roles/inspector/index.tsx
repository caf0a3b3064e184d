import { AlertOutlined, CalendarOutlined, ShopOutlined, StopOutlined } from "@ant-design/icons";
import { Route } from "react-router-dom";

import type { RoleModule } from "../role";
import { HouseholdPage } from "./HouseholdPage";
import { HouseholdsPage } from "./HouseholdsPage";
import { InspectionPage } from "./InspectionPage";
import { PenaltiesPage, PenaltyPage } from "./PenaltyPage";
import { PlanPage } from "./PlanPage";
import { TransferPage } from "./TransferPage";
import { UnlicensedPage } from "./UnlicensedPage";

const inspector: RoleModule = {
  role: "grid_inspector",
  home: "/inspector/households",
  menu: [
    { path: "/inspector/households", label: "inspector.menu.households", icon: <ShopOutlined /> },
    { path: "/inspector/plan", label: "inspector.menu.plan", icon: <CalendarOutlined /> },
    { path: "/inspector/unlicensed", label: "inspector.menu.unlicensed", icon: <AlertOutlined /> },
    { path: "/inspector/penalties", label: "inspector.menu.penalties", icon: <StopOutlined /> },
  ],
  routes: (
    <Route path="inspector">
      <Route path="households" element={<HouseholdsPage />} />
      <Route path="households/:creditCode" element={<HouseholdPage />} />
      <Route path="households/:creditCode/inspection" element={<InspectionPage />} />
      <Route path="plan" element={<PlanPage />} />
      <Route path="unlicensed" element={<UnlicensedPage />} />
      <Route path="case-transfers/new" element={<TransferPage />} />
      <Route path="penalties" element={<PenaltiesPage />} />
      <Route path="penalties/new" element={<PenaltyPage />} />
    </Route>
  ),
};

export default inspector;
