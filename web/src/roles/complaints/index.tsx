import { PhoneOutlined, ShopOutlined, UnorderedListOutlined } from "@ant-design/icons";
import { Route } from "react-router-dom";

import type { RoleModule } from "../role";
import { lazyPage } from "../lazyPage";

const IntakePage = lazyPage(() => import("./IntakePage"), "IntakePage");
const TicketPage = lazyPage(() => import("./TicketPage"), "TicketPage");
const TicketsPage = lazyPage(() => import("./TicketsPage"), "TicketsPage");

// The 12315 handler (bureau desk or an office) takes calls on the phone line; a community
// station's staff take walk-ins at their station. Both work the same screens over the tickets
// the service scopes to their unit.

const complaints: RoleModule = {
  role: "complaints_handler",
  home: "/complaints/tickets",
  menu: [
    { path: "/complaints/tickets", label: "complaints.menu.tickets", icon: <UnorderedListOutlined /> },
    { path: "/complaints/intake", label: "complaints.menu.intake", icon: <PhoneOutlined /> },
  ],
  routes: (
    <Route path="complaints">
      <Route path="tickets" element={<TicketsPage base="/complaints" />} />
      <Route path="tickets/:id" element={<TicketPage base="/complaints" />} />
      <Route path="intake" element={<IntakePage channel="phone" base="/complaints" />} />
    </Route>
  ),
};

export const station: RoleModule = {
  role: "station_staff",
  home: "/station/tickets",
  menu: [
    { path: "/station/tickets", label: "complaints.menu.stationTickets", icon: <UnorderedListOutlined /> },
    { path: "/station/intake", label: "complaints.menu.stationIntake", icon: <ShopOutlined /> },
  ],
  routes: (
    <Route path="station">
      <Route path="tickets" element={<TicketsPage base="/station" />} />
      <Route path="tickets/:id" element={<TicketPage base="/station" />} />
      <Route path="intake" element={<IntakePage channel="station" base="/station" />} />
    </Route>
  ),
};

export default complaints;
