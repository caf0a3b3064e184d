// The inspector's rules that run in the browser: the on-the-spot penalty's legal limits (the
// same as enforcement's, so the officer learns before sending), the households' order and
// search, the inspection's times, and how each entry of a supervision file reads.
import { deadlineState } from "../../common/deadline";

// -- 当场处罚: Administrative Penalty Law art. 51 and 68 ----------------------------------------

export type PartyKind = "citizen" | "organisation";
export type PenaltyKind = "warning" | "fine";

export interface OnTheSpotLimits {
  citizenFineMax: number;
  organisationFineMax: number;
  cashMax: number;
}

/** The limits enforcement applies by default (services/enforcement/domain/rules.py
 * `OnTheSpotLimits`: 200 CNY for a citizen, 3,000 CNY for a legal person or other
 * organisation, cash on the spot up to 100 CNY). The service's settings decide in the end. */
export const ON_THE_SPOT_LIMITS: OnTheSpotLimits = { citizenFineMax: 200, organisationFineMax: 3000, cashMax: 100 };

export interface Refusal {
  /** The form field at fault, as the service names it. */
  field: "penalty.kind" | "penalty.amount" | "collected_on_spot";
  /** Catalogue key of the reason. */
  reason: string;
  values?: Record<string, number>;
}

/** Why an on-the-spot penalty may not be imposed as asked (the service would refuse it with
 * 422), or null when it may: a warning, or a fine within art. 51; cash only within art. 68. */
export function onTheSpotRefusal(
  party: PartyKind,
  kind: string,
  amount: number | null | undefined,
  collectedOnSpot: boolean,
  limits: OnTheSpotLimits = ON_THE_SPOT_LIMITS,
): Refusal | null {
  const given = amount !== null && amount !== undefined;
  if (kind === "warning") {
    if (given) return { field: "penalty.amount", reason: "inspector.penalty.refusal.warningAmount" };
    if (collectedOnSpot) return { field: "collected_on_spot", reason: "inspector.penalty.refusal.warningCash" };
    return null;
  }
  if (kind === "fine") {
    if (!given || !(amount > 0)) return { field: "penalty.amount", reason: "inspector.penalty.refusal.fineAmount" };
    const cap = fineCap(party, limits);
    if (amount > cap) {
      return { field: "penalty.amount", reason: `inspector.penalty.refusal.cap.${party}`, values: { cap } };
    }
    if (collectedOnSpot && amount > limits.cashMax) {
      return { field: "collected_on_spot", reason: "inspector.penalty.refusal.cash", values: { cap: limits.cashMax } };
    }
    return null;
  }
  return { field: "penalty.kind", reason: "inspector.penalty.refusal.kind" };
}

export function fineCap(party: PartyKind, limits: OnTheSpotLimits = ON_THE_SPOT_LIMITS): number {
  return party === "citizen" ? limits.citizenFineMax : limits.organisationFineMax;
}

// -- my households ----------------------------------------------------------------------------

export const HOUSEHOLD_FILTERS = ["all", "assigned", "claimed"] as const;
export type HouseholdFilter = (typeof HOUSEHOLD_FILTERS)[number];

interface Listed {
  credit_code: string;
  name: string | null;
  operator_name?: string | null;
  address?: unknown;
  status: string;
  claim_deadline: string | null;
  assigned_at: string | null;
  claimed_at?: string | null;
}

const STATUS_ORDER: Record<string, number> = { assigned: 0, unrouted: 1, claimed: 2, cancelled: 3 };

/** To claim first, the nearest claim deadline first and, on the same day, the newest
 * assignment first; then the claimed ones, the latest claimed first. */
export function inInspectorOrder<T extends Listed>(households: T[]): T[] {
  return [...households].sort((a, b) => {
    const byStatus = (STATUS_ORDER[a.status] ?? 9) - (STATUS_ORDER[b.status] ?? 9);
    if (byStatus) return byStatus;
    if (a.status === "assigned") {
      const byDeadline = (a.claim_deadline ?? "9").localeCompare(b.claim_deadline ?? "9");
      if (byDeadline) return byDeadline;
      return (b.assigned_at ?? "").localeCompare(a.assigned_at ?? "");
    }
    return (b.claimed_at ?? b.assigned_at ?? "").localeCompare(a.claimed_at ?? a.assigned_at ?? "");
  });
}

export function addressText(address: unknown): string {
  if (typeof address !== "object" || address === null) return "";
  const text = (address as Record<string, unknown>).text;
  return typeof text === "string" ? text : "";
}

/** Whether a household matches what was typed in the search box (name, credit code, operator,
 * address), ignoring case and spaces around. */
export function matchesSearch(household: Listed, search: string): boolean {
  const wanted = search.trim().toLowerCase();
  if (!wanted) return true;
  return [household.name, household.credit_code, household.operator_name, addressText(household.address)].some((field) =>
    (field ?? "").toLowerCase().includes(wanted),
  );
}

export function filtered<T extends Listed>(households: T[], filter: HouseholdFilter, search: string): T[] {
  return inInspectorOrder(households.filter((h) => (filter === "all" || h.status === filter) && matchesSearch(h, search)));
}

/** Claim deadlines missed or due within `soonDays`: what the inspector must do first. */
export function claimsPressing(households: Listed[], today: string, soonDays = 1): number {
  return households.filter(
    (h) => h.status === "assigned" && h.claim_deadline && deadlineState(h.claim_deadline, today, soonDays).kind !== "later",
  ).length;
}

// -- the inspection's times -------------------------------------------------------------------

const pad = (n: number) => String(n).padStart(2, "0");

/** A moment as a `datetime-local` input shows it (the device's own time). */
export function localInput(moment: Date): string {
  return `${moment.getFullYear()}-${pad(moment.getMonth() + 1)}-${pad(moment.getDate())}T${pad(moment.getHours())}:${pad(moment.getMinutes())}`;
}

/** A `datetime-local` value as an instant with its offset, or null if it is not a time. */
export function instantOf(local: string | undefined): string | null {
  if (!local) return null;
  const moment = new Date(local);
  return Number.isNaN(moment.getTime()) ? null : moment.toISOString();
}

/** The catalogue key of what is wrong with an inspection's start and end, or null. */
export function timesProblem(started: string | undefined, ended: string | undefined, now: Date = new Date()): string | null {
  const start = instantOf(started);
  const end = instantOf(ended);
  if (!start || !end) return "inspector.inspection.rule.times";
  if (end < start) return "inspector.inspection.rule.order";
  if (new Date(start).getTime() > now.getTime() + 5 * 60_000) return "inspector.inspection.rule.future";
  return null;
}

// -- the supervision file -----------------------------------------------------------------------

export interface Described {
  id: string;
  values: Record<string, string>;
}

const text = (value: unknown): string => {
  if (value === null || value === undefined) return "";
  if (Array.isArray(value)) return value.map(text).filter(Boolean).join("、");
  return typeof value === "object" ? "" : String(value);
};

/** What one entry of a supervision file says, as a catalogue key and its values. */
export function describeEntry(entry: { kind: string } & Record<string, unknown>): Described {
  const v = (key: string) => text(entry[key]);
  switch (entry.kind) {
    case "licence":
      return { id: `inspector.file.licence.${["issued", "changed", "cancelled"].includes(v("event")) ? v("event") : "other"}`, values: { name: v("name") } };
    case "assignment":
      return {
        id: entry.agent ? "inspector.file.assignmentAgent" : "inspector.file.assignment",
        values: { grid: v("grid_id"), owner: v("owner"), agent: v("agent"), due: v("claim_deadline").slice(0, 10), how: v("routed_by") },
      };
    case "unrouted":
      return { id: "inspector.file.unrouted", values: { office: v("office") || "—" } };
    case "claim":
      return { id: entry.for ? "inspector.file.claimFor" : "inspector.file.claim", values: { for: v("for") } };
    case "overdue":
      return { id: "inspector.file.overdue", values: { due: v("claim_deadline").slice(0, 10) } };
    case "inspection":
      return { id: "inspector.file.inspection", values: { findings: v("findings"), actions: v("actions") || "—" } };
    case "penalty":
      return {
        id: entry.fine_amount ? "inspector.file.penaltyFine" : "inspector.file.penalty",
        values: { kinds: v("penalty_kinds"), amount: v("fine_amount"), basis: v("legal_basis"), procedure: v("procedure") },
      };
    case "complaint":
      return { id: "inspector.file.complaint", values: { step: v("step"), kind: v("ticket_kind") || v("allegation") } };
    default:
      return { id: "inspector.file.other", values: { kind: entry.kind } };
  }
}

/** The `sha256:` references an entry cites (an inspection's photos and documents). */
export function entryAttachments(entry: Record<string, unknown>): string[] {
  const found = entry.attachments;
  return Array.isArray(found) ? found.filter((ref): ref is string => typeof ref === "string" && ref.startsWith("sha256:")) : [];
}
