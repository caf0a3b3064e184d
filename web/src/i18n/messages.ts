// Every feature's catalogue, merged: the one place a new feature's messages are registered.
// Catalogues only (no components), so the browser tests read them too.
import notifications from "../notifications/messages";
import admin from "../roles/admin/messages";
import audit from "../roles/audit/messages";
import complaints from "../roles/complaints/messages";
import enforcement from "../roles/enforcement/messages";
import inspector from "../roles/inspector/messages";
import licensing from "../roles/licensing/messages";
import office from "../roles/office/messages";
import quality from "../roles/quality/messages";
import districtMap from "../common/mapMessages";
import transfers from "../common/transfers/messages";
import shell from "../shell/messages";
import { merged, type Catalogue } from "./catalogue";

export const CATALOGUES: Catalogue[] = [
  shell,
  notifications,
  districtMap,
  transfers,
  licensing,
  inspector,
  office,
  enforcement,
  complaints,
  quality,
  audit,
  admin,
];
export const MESSAGES = merged(CATALOGUES);
