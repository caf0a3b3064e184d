// Each role's screens, in the order their menus appear for a person with several roles.
import complaints, { station } from "./complaints";
import licensing from "./licensing";
import type { RoleModule } from "./role";

export const ROLE_MODULES: RoleModule[] = [licensing, complaints, station];
