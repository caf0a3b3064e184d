import {
  AuditOutlined,
  BarChartOutlined,
  FileTextOutlined,
  PrinterOutlined,
  SafetyCertificateOutlined,
  TeamOutlined,
  WarningOutlined,
} from "@ant-design/icons";
import { Route } from "react-router-dom";

import type { RoleModule } from "../role";
import "./quality.css";
import { lazyPage } from "../lazyPage";

const TrailPage = lazyPage(() => import("../audit/TrailPage"), "TrailPage");
const AuditPage = lazyPage(() => import("./AuditPage"), "AuditPage");
const AuditsPage = lazyPage(() => import("./AuditsPage"), "AuditsPage");
const DocumentPage = lazyPage(() => import("./DocumentPage"), "DocumentPage");
const DocumentsPage = lazyPage(() => import("./DocumentsPage"), "DocumentsPage");
const MonthlyReportPage = lazyPage(() => import("./MonthlyReportPage"), "MonthlyReportPage");
const NonconformitiesPage = lazyPage(() => import("./NonconformitiesPage"), "NonconformitiesPage");
const NonconformityPage = lazyPage(() => import("./NonconformityPage"), "NonconformityPage");
const ObjectivesPage = lazyPage(() => import("./ObjectivesPage"), "ObjectivesPage");
const ReviewPackPage = lazyPage(() => import("./ReviewPackPage"), "ReviewPackPage");

/** The quality office's menu; the auditor's lists the same screens, read-only. */
export const QUALITY_MENU = [
  { path: "/quality/objectives", label: "quality.menu.objectives", icon: <BarChartOutlined /> },
  { path: "/quality/nonconformities", label: "quality.menu.nonconformities", icon: <WarningOutlined /> },
  { path: "/quality/documents", label: "quality.menu.documents", icon: <FileTextOutlined /> },
  { path: "/quality/audits", label: "quality.menu.audits", icon: <AuditOutlined /> },
  { path: "/quality/reports/monthly", label: "quality.menu.monthly", icon: <PrinterOutlined /> },
  { path: "/quality/reviews/pack", label: "quality.menu.review", icon: <TeamOutlined /> },
];

const quality: RoleModule = {
  role: "qms_manager",
  home: "/quality/objectives",
  menu: [
    ...QUALITY_MENU,
    { path: "/quality/audit-log", label: "quality.menu.auditLog", icon: <SafetyCertificateOutlined /> },
  ],
  routes: (
    <Route path="quality">
      <Route path="objectives" element={<ObjectivesPage />} />
      <Route path="nonconformities" element={<NonconformitiesPage />} />
      <Route path="nonconformities/:id" element={<NonconformityPage />} />
      <Route path="documents" element={<DocumentsPage />} />
      <Route path="documents/:id" element={<DocumentPage />} />
      <Route path="audits" element={<AuditsPage />} />
      <Route path="audits/:id" element={<AuditPage />} />
      <Route path="reports/monthly" element={<MonthlyReportPage />} />
      <Route path="reviews/pack" element={<ReviewPackPage />} />
      <Route path="audit-log" element={<TrailPage />} />
    </Route>
  ),
};

export default quality;
