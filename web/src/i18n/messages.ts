// Every feature's catalogue, merged: the one place a new feature's messages are registered.
import notifications from "../notifications/messages";
import { ROLE_CATALOGUES } from "../roles";
import shell from "../shell/messages";
import { merged, type Catalogue } from "./catalogue";

export const CATALOGUES: Catalogue[] = [shell, notifications, ...ROLE_CATALOGUES];
export const MESSAGES = merged(CATALOGUES);
