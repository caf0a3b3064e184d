// Each role's screens, in the order their menus appear for a person with several roles.
import audit from "./audit";
import licensing from "./licensing";
import quality from "./quality";
import type { RoleModule } from "./role";

export const ROLE_MODULES: RoleModule[] = [licensing, quality, audit];
