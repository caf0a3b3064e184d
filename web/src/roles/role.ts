import type { ReactElement, ReactNode } from "react";

/** What one role sees: its menu and its screens. */
export interface RoleModule {
  role: string;
  /** Where the role lands after signing in. */
  home: string;
  menu: { path: string; label: string; icon?: ReactNode }[];
  /** `<Route>` elements, each under the role's own path (`/licensing/...`). */
  routes: ReactElement;
}
