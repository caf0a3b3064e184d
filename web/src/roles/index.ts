// Each role's screens, in the order their menus appear for a person with several roles.
import admin from "./admin";
import audit from "./audit";
import complaints, { station } from "./complaints";
import enforcement from "./enforcement";
import inspector from "./inspector";
import licensing from "./licensing";
import office from "./office";
import quality from "./quality";
import type { RoleModule } from "./role";

export const ROLE_MODULES: RoleModule[] = [
  licensing,
  inspector,
  office,
  enforcement,
  complaints,
  station,
  quality,
  audit,
  admin,
];
