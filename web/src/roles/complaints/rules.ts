// The 12315 screens' rules that run in the browser: what an intake draft sends, which steps a
// ticket allows now (mirroring services/complaints/domain/tickets.py), its running clock, the
// list's filters as they live in the address, and who may do what in bulk.
import type { components } from "../../api/schema";

type Schemas = components["schemas"];
export type SubmissionIn = Schemas["complaints__SubmissionIn"];
export type Ticket = Schemas["complaints__TicketOut"];
export type Deadline = Schemas["complaints__DeadlineOut"];
export type Unit = Schemas["complaints__UnitOut"];
export type Kind = SubmissionIn["kinds"][number];
export type Channel = SubmissionIn["channel"];

export const KINDS = ["complaint", "report", "suggestion", "consultation"] as const satisfies readonly Kind[];
/** Kinds a submitter may file without giving who they are. */
export const ANONYMOUS_KINDS: readonly Kind[] = ["report", "suggestion"];
export const STATUSES = [
  "received",
  "accepted",
  "rejected",
  "in_mediation",
  "settled",
  "terminated",
  "replied",
  "closed",
  "followed_up",
  "merged",
] as const;
export type Status = (typeof STATUSES)[number];

// -- intake ----------------------------------------------------------------------------------

/** The intake form as the handler fills it: the submission's own shape, so the service's
 * field errors (`submitter.name`, `business.credit_code`, `location.lon`) land on their fields. */
export interface IntakeValues {
  submitter?: { anonymous?: boolean; name?: string; phone?: string; id_number?: string };
  kinds?: Kind[];
  description?: string;
  business?: { credit_code?: string; name?: string };
  location?: { address?: string; community_code?: string; lon?: number | null; lat?: number | null };
}

const blank = (value: string | undefined | null) => !value || !value.trim();
const trimmed = (value: string | undefined | null) => (blank(value) ? null : value!.trim());
const given = (value: number | undefined | null) => value !== undefined && value !== null;

/** GB 32100's alphabet, 18 characters (the check characters are the service's to verify). */
export const CREDIT_CODE = /^[0-9A-HJ-NPQRTUWXY]{18}$/;

/** Anonymity is allowed only when every kind chosen allows it. */
export function anonymityAllowed(kinds: readonly Kind[]): boolean {
  return kinds.length > 0 && kinds.every((kind) => ANONYMOUS_KINDS.includes(kind));
}

/** What the location lacks: nothing (null), everything ("none"), or half a point or address. */
export function locationProblem(values: IntakeValues): "none" | "point" | "address" | null {
  const where = values.location ?? {};
  if (given(where.lon) || given(where.lat)) return given(where.lon) && given(where.lat) ? null : "point";
  if (blank(where.address) && blank(where.community_code)) return "none";
  return !blank(where.address) && !blank(where.community_code) ? null : "address";
}

/** The location the service takes: lon/lat, or an address with its community code. */
function locationOf(values: IntakeValues): SubmissionIn["location"] {
  if (locationProblem(values) === "none") return null;
  const where = values.location ?? {};
  return {
    address: trimmed(where.address),
    community_code: trimmed(where.community_code),
    lon: where.lon ?? null,
    lat: where.lat ?? null,
  };
}

function businessOf(values: IntakeValues): SubmissionIn["business"] {
  const code = trimmed(values.business?.credit_code)?.toUpperCase() ?? null;
  const name = trimmed(values.business?.name);
  return code || name ? { credit_code: code, name } : null;
}

/** Whether the submitter stays anonymous: asked for, and every kind allows it. */
export const isAnonymous = (values: IntakeValues) =>
  Boolean(values.submitter?.anonymous) && anonymityAllowed(values.kinds ?? []);

/** The submission the form sends. */
export function submissionOf(values: IntakeValues, channel: Channel): SubmissionIn {
  const who = values.submitter ?? {};
  return {
    channel,
    kinds: [...(values.kinds ?? [])],
    submitter: isAnonymous(values)
      ? { anonymous: true }
      : {
          anonymous: false,
          name: trimmed(who.name),
          phone: trimmed(who.phone),
          id_number: trimmed(who.id_number)?.toUpperCase() ?? null,
        },
    description: values.description?.trim() ?? "",
    business: businessOf(values),
    location: locationOf(values),
  };
}

/** What the routing preview still needs (a part of the form), or null when it can be asked. */
export function previewBlocker(values: IntakeValues): "kinds" | "name" | "description" | "business" | "location" | null {
  if ((values.kinds ?? []).length === 0) return "kinds";
  if (!isAnonymous(values) && blank(values.submitter?.name)) return "name";
  if (blank(values.description)) return "description";
  const code = values.business?.credit_code;
  if (!blank(code) && !CREDIT_CODE.test(code!.trim().toUpperCase())) return "business";
  const location = locationProblem(values);
  if (location === "point" || location === "address") return "location";
  if (location === "none" && blank(code)) return "location";
  return null;
}

/**
 * What the routing preview is sent: the draft without the submitter's phone and ID number,
 * which routing never reads (the name stays: the service refuses a real-name draft without it).
 */
export function previewOf(values: IntakeValues, channel: Channel): SubmissionIn {
  const draft = submissionOf(values, channel);
  const submitter = draft.submitter.anonymous ? draft.submitter : { anonymous: false, name: draft.submitter.name };
  return { ...draft, submitter };
}

/** A look-up's query: a credit code when the text is one, else part of the name. */
export function lookupQuery(text: string): { credit_code: string } | { name: string } | null {
  const value = text.trim();
  if (!value) return null;
  const upper = value.toUpperCase();
  return CREDIT_CODE.test(upper) ? { credit_code: upper } : { name: value };
}

// -- units ------------------------------------------------------------------------------------

/** `level:id`, as the list's filter and the tickets' owners write a unit. */
export const unitKey = (unit: Unit) => `${unit.level}:${unit.id}`;

export function parseUnit(text: string | null | undefined): Unit | null {
  const match = /^(bureau|office|station):([^:]{1,64})$/.exec((text ?? "").trim());
  return match ? { level: match[1] as Unit["level"], id: match[2]! } : null;
}

/** A handler of no office, or of office `complaints`, works at the bureau's 12315 desk. */
export function atBureauDesk(me: { roles: string[]; office?: string | null } | undefined): boolean {
  if (!me || !me.roles.includes("complaints_handler")) return false;
  return me.office === null || me.office === undefined || me.office === "complaints";
}

// -- clocks -----------------------------------------------------------------------------------

/** Deadlines still running (none once merged: the other ticket carries the matter). */
export function runningDeadlines(ticket: Pick<Ticket, "deadlines" | "status">): Deadline[] {
  if (ticket.status === "merged") return [];
  return ticket.deadlines.filter((deadline) => deadline.met_on === null);
}

/** The soonest running deadline, or null. */
export function nextDeadline(ticket: Pick<Ticket, "deadlines" | "status">): Deadline | null {
  const running = [...runningDeadlines(ticket)].sort((a, b) => a.due.localeCompare(b.due));
  return running[0] ?? null;
}

/** Whether a deadline was kept: open, kept in time, or kept late (met after its due day). */
export function deadlineOutcome(deadline: Deadline): "running" | "kept" | "late" {
  if (deadline.met_on === null) return "running";
  return deadline.met_on > deadline.due ? "late" : "kept";
}

// -- steps ------------------------------------------------------------------------------------

export const STEPS = [
  "accept",
  "reject",
  "mediation",
  "reply",
  "close",
  "follow-up",
  "reopen",
  "handover",
  "return",
  "reassign",
] as const;
export type Step = (typeof STEPS)[number];

const ANSWERED_ONLY: readonly Kind[] = ["consultation", "suggestion"];
const HANDOVER_FROM: readonly string[] = [
  "received",
  "accepted",
  "in_mediation",
  "settled",
  "terminated",
  "rejected",
  "replied",
];

type StepTicket = Pick<Ticket, "kind" | "status" | "unit" | "reopen_requested" | "history">;

/** Whether the service would take `step` on the ticket as it is now (its domain's rules). */
export function stepAllowed(step: Step, ticket: StepTicket, bureauDesk: boolean): boolean {
  const { kind, status } = ticket;
  const handled = !ANSWERED_ONLY.includes(kind);
  const atIntake = ticket.unit.level === "bureau" && ticket.unit.id === "intake";
  switch (step) {
    case "accept":
    case "reject":
      return handled && status === "received";
    case "mediation":
      return kind === "complaint" && (status === "accepted" || status === "in_mediation");
    case "reply":
      if (kind === "complaint") return status === "settled" || status === "terminated";
      if (kind === "report") return status === "accepted" && ticket.history.some((e) => e.action === "filing_decided");
      return status === "received";
    case "close":
      return status === "replied" || status === "rejected";
    case "follow-up":
      return handled && status === "closed";
    case "reopen":
      return ticket.reopen_requested;
    case "handover":
      return HANDOVER_FROM.includes(status);
    case "return":
      return status === "received" && !atIntake;
    case "reassign":
      return bureauDesk && status === "received" && atIntake;
  }
}

/** The steps the ticket allows now, in the order a handler meets them. */
export function allowedSteps(ticket: StepTicket, bureauDesk: boolean): Step[] {
  return STEPS.filter((step) => stepAllowed(step, ticket, bureauDesk));
}

/** Whether a ticket can still be merged (neither merged nor closed). */
export function mergeable(ticket: Pick<Ticket, "status">): boolean {
  return !["merged", "closed", "followed_up"].includes(ticket.status);
}

/** Steps officers repeat over many tickets from the list. */
export const BULK_STEPS = ["accept", "close", "handover"] as const satisfies readonly Step[];
export type BulkStep = (typeof BULK_STEPS)[number];

/** The selected tickets the bulk step applies to, and those it skips. */
export function bulkSplit<T extends StepTicket>(step: BulkStep, tickets: T[]): { apply: T[]; skip: T[] } {
  const apply = tickets.filter((ticket) => stepAllowed(step, ticket, false));
  return { apply, skip: tickets.filter((ticket) => !apply.includes(ticket)) };
}

/** A follow-up may carry a request to reopen only from a dissatisfied party (1 or 2). */
export const mayAskReopen = (satisfaction: number | undefined) => satisfaction !== undefined && satisfaction < 3;

// -- the list's filters -------------------------------------------------------------------------

export interface TicketFilters {
  unit?: string;
  status?: Status;
  kind?: Kind;
  credit_code?: string;
}

/** The list's filters from the address (unknown values are dropped). */
export function filtersFrom(search: URLSearchParams): TicketFilters {
  const filters: TicketFilters = {};
  const unit = parseUnit(search.get("unit"));
  if (unit) filters.unit = unitKey(unit);
  const status = STATUSES.find((value) => value === search.get("status"));
  if (status) filters.status = status;
  const kind = KINDS.find((value) => value === search.get("kind"));
  if (kind) filters.kind = kind;
  const code = search.get("credit_code")?.trim().toUpperCase();
  if (code && code.length <= 18) filters.credit_code = code;
  return filters;
}

/** The address's search params for the filters (empty ones left out). */
export function searchOf(filters: TicketFilters): Record<string, string> {
  return Object.fromEntries(Object.entries(filters).filter(([, value]) => value !== undefined && value !== ""));
}

/** A short reference for a ticket on screens and in speech: the first 8 of its id. */
export const shortId = (id: string) => id.slice(0, 8).toUpperCase();
