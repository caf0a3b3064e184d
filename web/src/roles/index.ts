// Each role's screens, in the order their menus appear for a person with several roles.
import admin from "./admin";
import enforcement from "./enforcement";
import licensing from "./licensing";
import type { RoleModule } from "./role";

export const ROLE_MODULES: RoleModule[] = [licensing, enforcement, admin];
