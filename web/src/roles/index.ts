// Each role's screens, in the order their menus appear for a person with several roles.
import admin from "./admin";
import audit from "./audit";
import enforcement from "./enforcement";
import inspector from "./inspector";
import licensing from "./licensing";
import office from "./office";
import quality from "./quality";
import type { RoleModule } from "./role";

export const ROLE_MODULES: RoleModule[] = [licensing, inspector, office, enforcement, quality, audit, admin];
