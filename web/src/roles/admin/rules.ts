// The administrator's screens' rules that run in the browser: the address's filters, states, form checks.
import type { components } from "../../api/schema";

type User = components["schemas"]["UserOut"];
type UserChange = components["schemas"]["UserChange"];
type RolePolicy = components["schemas"]["RolePolicy"];
type SigningKey = components["schemas"]["SigningKeyOut"];

/** The roles a person may hold, in the access matrix's order (the gateway's STAFF_ROLES). */
export const STAFF_ROLES = [
  "licensing_clerk",
  "grid_inspector",
  "office_head",
  "enforcement_officer",
  "complaints_handler",
  "station_staff",
  "qms_manager",
  "auditor",
  "admin",
] as const;

/** The gateway's USERNAME_PATTERN (also a partner client's id and an Open311 key's name). */
export const USERNAME_PATTERN = /^[a-z][a-z0-9._-]{1,63}$/;
/** The licensing service's AGENCY_PATTERN. */
export const AGENCY_PATTERN = /^[a-z][a-z0-9_-]{0,63}$/;
export const MIN_PASSWORD_LENGTH = 12;

export type PasswordProblem = "length" | "classes" | "username";

/** What the gateway will refuse in a new password (GB/T 22239-2019 complexity); empty if fine. */
export function passwordProblems(username: string, password: string): PasswordProblem[] {
  const problems: PasswordProblem[] = [];
  if (password.length < MIN_PASSWORD_LENGTH) problems.push("length");
  const classes = [/[a-z]/, /[A-Z]/, /\d/, /[^\w]|_/].filter((pattern) => pattern.test(password)).length;
  if (classes < 2) problems.push("classes");
  if (username && password.toLowerCase().includes(username.toLowerCase())) problems.push("username");
  return problems;
}

export type UserStatus = "active" | "locked" | "inactive";

/** Whether a person can sign in now: deactivated, locked after failed sign-ins, or active. */
export function userStatus(user: Pick<User, "active" | "locked_until">, now: Date = new Date()): UserStatus {
  if (!user.active) return "inactive";
  if (user.locked_until && new Date(user.locked_until).getTime() > now.getTime()) return "locked";
  return "active";
}

export type SecondFactor = "enrolled" | "missing" | "off";

/** The roles among `roles` whose policy requires an authenticator. */
export function rolesRequiringTotp(roles: string[], policies: RolePolicy[]): string[] {
  return roles.filter((role) => policies.some((policy) => policy.role === role && policy.totp_required));
}

/**
 * A person's second factor as the gateway applies it: a code is asked when an authenticator is
 * enrolled or a role requires one; `missing` means a role requires one and none is enrolled, so
 * the person cannot sign in at all.
 */
export function secondFactor(user: Pick<User, "roles" | "totp_enrolled">, policies: RolePolicy[]): SecondFactor {
  if (user.totp_enrolled) return "enrolled";
  return rolesRequiringTotp(user.roles, policies).length > 0 ? "missing" : "off";
}

export const STATUS_FILTERS = ["all", "active", "locked", "inactive", "no_second_factor"] as const;
export type StatusFilter = (typeof STATUS_FILTERS)[number];

export interface UserFilters {
  q: string;
  role: string | undefined;
  office: string | undefined;
  status: StatusFilter;
}

/** The users list's filters as the address holds them. */
export function readUserFilters(search: URLSearchParams): UserFilters {
  const role = search.get("role") ?? undefined;
  return {
    q: search.get("q") ?? "",
    role: STAFF_ROLES.find((known) => known === role),
    office: search.get("office") || undefined,
    status: STATUS_FILTERS.find((known) => known === search.get("status")) ?? "all",
  };
}

/** The filters as search params, leaving out what is at its default. */
export function writeUserFilters(filters: UserFilters): Record<string, string> {
  const params: Record<string, string> = {};
  if (filters.q.trim()) params.q = filters.q.trim();
  if (filters.role) params.role = filters.role;
  if (filters.office) params.office = filters.office;
  if (filters.status !== "all") params.status = filters.status;
  return params;
}

export interface UserValues {
  name: string;
  roles: string[];
  office?: string | null;
}

/** Only what the form changed, as the PATCH body; an emptied office is `null` (no office). */
export function userChanges(before: Pick<User, "name" | "roles" | "office">, values: UserValues): UserChange {
  const change: UserChange = {};
  const name = values.name.trim();
  if (name !== before.name) change.name = name;
  const roles = [...new Set(values.roles)].sort();
  if (roles.join(",") !== [...before.roles].sort().join(",")) change.roles = roles;
  const office = values.office?.trim() || null;
  if (office !== (before.office ?? null)) change.office = office;
  return change;
}

/**
 * The offices to suggest: the supervision offices, then any other of `held` (the offices of the
 * people on screen; an office not suggested can still be typed).
 */
export function officeOptions(
  offices: { id: string; name: string }[],
  held: (string | null | undefined)[] = [],
): { value: string; label: string }[] {
  const known = offices.map((office) => ({ value: office.id, label: `${office.id} · ${office.name}` }));
  const others = [...new Set(held.filter((office): office is string => !!office))]
    .filter((office) => !offices.some((known) => known.id === office))
    .sort()
    .map((office) => ({ value: office, label: office }));
  return [...known, ...others];
}

/** How many people a count found; `more` when the gateway had more pages than the one counted. */
export interface Tally {
  count: number;
  more: boolean;
}

/** The people of a first page that `keep` keeps (none before it is loaded). */
export function tally(page: { items: User[]; next_cursor?: string | null } | undefined, keep: (user: User) => boolean): Tally {
  return { count: (page?.items ?? []).filter(keep).length, more: !!page?.next_cursor };
}

/** A tally as shown: "12", or "200+" when only the first page was counted. */
export const tallyText = ({ count, more }: Tally): string => (more ? `${count}+` : String(count));

/** Active staff: those an office counts as its people and a role as its holders. */
export const isActive = (user: Pick<User, "active">): boolean => user.active;

/** An active holder with no authenticator: requiring one of their role would shut them out. */
export const isUnenrolled = (user: Pick<User, "active" | "totp_enrolled">): boolean => user.active && !user.totp_enrolled;

/** An authenticator secret in groups of four, as people type it into an app by hand. */
export function groupSecret(secret: string): string {
  return (secret.replace(/\s+/g, "").match(/.{1,4}/g) ?? []).join(" ");
}

const SECRET_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

/** A partner client's secret: 32 characters from an unambiguous alphabet, from the browser's CSPRNG. */
export function newClientSecret(random: (bytes: Uint8Array) => Uint8Array = (bytes) => crypto.getRandomValues(bytes)): string {
  const out: string[] = [];
  while (out.length < 32) {
    for (const byte of random(new Uint8Array(48))) {
      // Bytes past the last whole multiple of the alphabet are dropped: no character is likelier.
      if (byte < SECRET_ALPHABET.length * Math.floor(256 / SECRET_ALPHABET.length) && out.length < 32) {
        out.push(SECRET_ALPHABET[byte % SECRET_ALPHABET.length]!);
      }
    }
  }
  return out.join("");
}

const DNS_NAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** A webhook host as the licensing service compares it: a DNS name or an IP address, lower-cased. */
export function isWebhookHost(value: string): boolean {
  const host = value.trim().toLowerCase();
  if (!host || host.length > 253) return false;
  return DNS_NAME.test(host) || IPV4.test(host) || (host.includes(":") && /^[0-9a-f:.]+$/.test(host));
}

export type KeyState = "signing" | "waiting" | "retiring";

/** A published signing key: signing now, waiting for its activation time, or kept only to verify. */
export function keyState(key: SigningKey, now: Date = new Date()): KeyState {
  if (key.active) return "signing";
  return new Date(key.signs_from).getTime() > now.getTime() ? "waiting" : "retiring";
}

/** A time as the bureau reads it (Beijing time), in the console's language. */
export function bureauTime(iso: string | null | undefined, locale: string): string {
  if (!iso) return "";
  return new Intl.DateTimeFormat(locale, {
    timeZone: "Asia/Shanghai",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hour12: false,
  }).format(new Date(iso));
}

export interface Outcome<T> {
  done: T[];
  failed: { item: T; error: unknown }[];
}

/** A bulk action: `act` on each item in turn (one request at a time), every refusal kept. */
export async function eachOf<T>(items: T[], act: (item: T) => Promise<unknown>): Promise<Outcome<T>> {
  const outcome: Outcome<T> = { done: [], failed: [] };
  for (const item of items) {
    try {
      await act(item);
      outcome.done.push(item);
    } catch (error) {
      outcome.failed.push({ item, error });
    }
  }
  return outcome;
}
