// Each role's screens, in the order their menus appear for a person with several roles.
import type { Catalogue } from "../i18n/catalogue";
import licensing from "./licensing";
import licensingMessages from "./licensing/messages";
import type { RoleModule } from "./role";

export const ROLE_MODULES: RoleModule[] = [licensing];
export const ROLE_CATALOGUES: Catalogue[] = [licensingMessages];
