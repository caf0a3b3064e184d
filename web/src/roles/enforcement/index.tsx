import { AlertOutlined, FileAddOutlined, FolderOpenOutlined, InboxOutlined, NotificationOutlined } from "@ant-design/icons";
import { Route } from "react-router-dom";

import type { RoleModule } from "../role";
import { lazyPage } from "../lazyPage";

const CasePage = lazyPage(() => import("./CasePage"), "CasePage");
const CasesPage = lazyPage(() => import("./CasesPage"), "CasesPage");
const CaseSourcePage = lazyPage(() => import("./CaseSourcePage"), "CaseSourcePage");
const CaseSourcesPage = lazyPage(() => import("./CaseSourcesPage"), "CaseSourcesPage");
const DeadlinesPage = lazyPage(() => import("./DeadlinesPage"), "DeadlinesPage");
const NewCaseSourcePage = lazyPage(() => import("./NewCaseSourcePage"), "NewCaseSourcePage");
const PublicityPage = lazyPage(() => import("./PublicityPage"), "PublicityPage");

const enforcement: RoleModule = {
  role: "enforcement_officer",
  home: "/enforcement/case-sources",
  menu: [
    { path: "/enforcement/case-sources", label: "enforcement.menu.sources", icon: <InboxOutlined /> },
    { path: "/enforcement/case-sources/new", label: "enforcement.menu.new", icon: <FileAddOutlined /> },
    { path: "/enforcement/cases", label: "enforcement.menu.cases", icon: <FolderOpenOutlined /> },
    { path: "/enforcement/deadlines", label: "enforcement.menu.deadlines", icon: <AlertOutlined /> },
    { path: "/enforcement/publicity", label: "enforcement.menu.publicity", icon: <NotificationOutlined /> },
  ],
  routes: (
    <Route path="enforcement">
      <Route path="case-sources" element={<CaseSourcesPage />} />
      <Route path="case-sources/new" element={<NewCaseSourcePage />} />
      <Route path="case-sources/:id" element={<CaseSourcePage />} />
      <Route path="cases" element={<CasesPage />} />
      <Route path="cases/:id" element={<CasePage />} />
      <Route path="deadlines" element={<DeadlinesPage />} />
      <Route path="publicity" element={<PublicityPage />} />
    </Route>
  ),
};

export default enforcement;
