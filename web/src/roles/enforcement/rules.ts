// The enforcement officer's rules that run in the browser, before anything is sent, and how a
// case's state reads: which step is next, which steps it allows. The service decides; these
// only keep an officer from sending what it would refuse and say what comes next.
import type { components } from "../../api/schema";
import { bureauToday } from "../../common/deadline";

type CaseOut = components["schemas"]["enforcement__CaseOut"];
type Deadline = components["schemas"]["enforcement__Deadline"];
type WatchedDeadline = components["schemas"]["enforcement__WatchedDeadline"];

export const DEPARTMENTS = ["supervision", "licensing", "complaints", "trademark", "advertising", "market"] as const;
export const HAND_DEPARTMENTS = ["trademark", "advertising", "market"] as const;
export const SOURCE_STATUSES = ["received", "filed", "declined"] as const;
export const CASE_STATUSES = ["filed", "investigating", "decided", "closed"] as const;
// Tag colours of a case's states whose text keeps WCAG AA contrast (Ant Design's green and gold do not).
export const CASE_STATUS_COLOURS: Record<string, string> = { filed: "blue", investigating: "purple", decided: "magenta", closed: "default" };
export const RECORD_KINDS = ["inquiry", "site_inspection", "evidence", "other"] as const;
export const STOP_KINDS = ["suspension", "hearing", "testing"] as const;
export const PENALTY_KINDS = [
  "warning",
  "fine",
  "confiscation",
  "order_to_correct",
  "licence_suspension",
  "licence_revocation",
  "suspension_of_business",
] as const;
export const NOTICE_METHODS = ["in_person", "post", "electronic"] as const;
// How a notice of the intended penalty or a decision is served (送达, art. 61 and the Civil Procedure Law).
export const SERVICE_METHODS = ["in_person", "left_at_address", "post", "electronic", "announcement"] as const;
export const PARTY_KINDS = ["organisation", "citizen"] as const;
// The service's states of a case's deadline, and the colours their tags take (WCAG AA contrast).
export const CASE_DEADLINE_COLOURS: Record<string, string> = { done: "blue", overdue: "red", due_soon: "volcano", on_time: "default" };
export const SATISFACTIONS = ["satisfied", "neutral", "dissatisfied"] as const;
export const CHANGES = ["changed", "annulled"] as const;

// -- handlers --------------------------------------------------------------------------------

/** A username as the service accepts it for handlers and approvers. */
export const USERNAME = /^[a-z][a-z0-9_.-]{1,63}$/;
/** At least two certified officers handle every case (Administrative Penalty Law art. 42). */
export const MIN_HANDLERS = 2;

export type HandlersProblem = "tooFew" | "invalid" | "tooMany";

/** The handlers as they will be sent: trimmed, each once, in the order chosen. */
export function distinctHandlers(handlers: string[]): string[] {
  return [...new Set(handlers.map((name) => name.trim()).filter(Boolean))];
}

/** Why these handlers cannot file a case, or null: two different officers, ten at most. */
export function handlersProblem(handlers: string[]): HandlersProblem | null {
  const chosen = distinctHandlers(handlers);
  if (chosen.some((name) => !USERNAME.test(name))) return "invalid";
  if (chosen.length < MIN_HANDLERS) return "tooFew";
  if (chosen.length > 10) return "tooMany";
  return null;
}

// -- form values -------------------------------------------------------------------------------

const EVIDENCE = /^sha256:[0-9a-f]{64}$/;

/** Evidence references typed one per line (or separated by spaces or commas), and the bad ones. */
export function parseEvidence(text: string | undefined): { refs: string[]; bad: string[] } {
  const refs = [...new Set((text ?? "").split(/[\s,，]+/).filter(Boolean))];
  return { refs, bad: refs.filter((ref) => !EVIDENCE.test(ref)) };
}

/** Whether a span's end comes before its start (both ends are included, so equal is fine). */
export function endsBeforeStart(start: string | undefined, end: string | undefined): boolean {
  return Boolean(start && end && end < start);
}

export type PenaltyKind = (typeof PENALTY_KINDS)[number];
export type PenaltyProblem = "amountRequired" | "amountInvalid" | "noAmount";

const AMOUNT = /^\d{1,12}(\.\d{1,2})?$/;

/** Whether a penalty of this kind carries an amount: a fine's, or the value confiscated. */
export const carriesAmount = (kind: PenaltyKind | undefined) => kind === "fine" || kind === "confiscation";

/** A fine needs an amount above zero in yuan (two decimals at most); a confiscation may carry the
 * value confiscated; nothing else carries one. */
export function penaltyProblem(kind: PenaltyKind, amount: string | undefined): PenaltyProblem | null {
  const given = (amount ?? "").trim();
  if (!carriesAmount(kind)) return given ? "noAmount" : null;
  if (!given) return kind === "fine" ? "amountRequired" : null;
  if (!AMOUNT.test(given) || Number(given) <= 0) return "amountInvalid";
  return null;
}

/** The penalty as it is sent: the amount only where the kind carries one (null when not given). */
export function penaltyBody(kind: PenaltyKind, amount: string | undefined): { kind: PenaltyKind; amount: string | null } {
  const given = (amount ?? "").trim();
  return { kind, amount: carriesAmount(kind) && given ? given : null };
}

/** An instant typed in the bureau's time (datetime-local, no zone) as ISO 8601 at +08:00. */
export function bureauInstant(local: string): string {
  const withSeconds = /T\d{2}:\d{2}$/.test(local) ? `${local}:00` : local;
  return `${withSeconds}+08:00`;
}

/** Now in the bureau's time zone as a datetime-local value (YYYY-MM-DDTHH:mm). */
export function bureauNowLocal(now: Date = new Date()): string {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone: "Asia/Shanghai",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(now);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? "00";
  return `${part("year")}-${part("month")}-${part("day")}T${part("hour")}:${part("minute")}`;
}

// -- the case's steps --------------------------------------------------------------------------

export type CaseAction =
  | "notice"
  | "record"
  | "penaltyNotice"
  | "statement"
  | "answer"
  | "waiver"
  | "hearingRequest"
  | "hearing"
  | "stop"
  | "extension"
  | "decision"
  | "service"
  | "payment"
  | "withdrawal"
  | "returnVisit";

export type NextStep =
  | "notice"
  | "record"
  | "penaltyNotice"
  | "partyHeard"
  | "answer"
  | "hearing"
  | "decision"
  | "service"
  | "payment"
  | "returnVisit"
  | "none";

const CLOCK_RUNNING = new Set(["filed", "investigating"]);

type CaseState = Pick<
  CaseOut,
  "status" | "decision" | "penalty_notice" | "served_on" | "payment_due" | "paid_on" | "investigation_records" | "history"
>;
type PenaltyNotice = NonNullable<CaseOut["penalty_notice"]>;

function fineUnpaid(found: CaseState): boolean {
  return found.payment_due !== null && found.paid_on === null;
}

/** Whether the decision is on the publicity feed: every penalty but a warning, until withdrawn. */
export function onPublicity(found: CaseState): boolean {
  if (!found.decision || found.decision.penalty.kind === "warning") return false;
  return !found.history.some((step) => step.step === "publicity_withdrawn");
}

/** The party's statements still to be answered. */
export const unansweredStatements = (notice: PenaltyNotice | null) => (notice?.statements ?? []).filter((s) => s.answer === null);

/** A hearing asked for and not yet held. */
export const hearingPending = (notice: PenaltyNotice | null) => Boolean(notice?.hearing && notice.hearing.conclusion === null);

export type DecisionWait = "penaltyNotice" | "hearing" | "answer" | "period";

/** What a decision waits for, as the service refuses it (art. 44, 45, 64), or null when it may
 * be made `today`: a served notice; the hearing held; every statement answered; the statement
 * period run, unless the party waived it in writing, or stated its case, was answered and had
 * no hearing on offer. */
export function decisionWait(notice: PenaltyNotice | null, today: string = bureauToday()): DecisionWait | null {
  if (!notice) return "penaltyNotice";
  if (hearingPending(notice)) return "hearing";
  if (unansweredStatements(notice).length > 0) return "answer";
  const heardEarly = notice.waived_on !== null || (notice.statements.length > 0 && !notice.hearing_offered);
  if (today <= notice.statement_deadline.due && !heardEarly) return "period";
  return null;
}

/** The steps the service allows the case now, in the order an officer takes them. */
export function availableActions(found: CaseState): CaseAction[] {
  const actions: CaseAction[] = [];
  const notice = found.penalty_notice;
  if (found.status === "filed") actions.push("notice");
  if (found.status === "investigating") {
    actions.push("record", "penaltyNotice");
    if (notice) {
      const waived = notice.waived_on !== null;
      if (!waived) actions.push("statement");
      if (unansweredStatements(notice).length > 0) actions.push("answer");
      if (!waived) actions.push("waiver");
      if (notice.hearing_offered && !notice.hearing && !waived) actions.push("hearingRequest");
      if (hearingPending(notice)) actions.push("hearing");
      actions.push("decision");
    }
  }
  if (CLOCK_RUNNING.has(found.status)) actions.push("stop", "extension");
  if (found.decision && found.served_on === null) actions.push("service");
  if (fineUnpaid(found)) actions.push("payment");
  if (found.status === "decided") actions.push("returnVisit");
  if (onPublicity(found)) actions.push("withdrawal");
  return actions;
}

/** The one step the case waits for: the supervision notice, a first record, the notice of the
 * intended penalty, the party heard (or its period run), the decision, its service, the fine,
 * the return visit. */
export function nextStep(found: CaseState, today: string = bureauToday()): NextStep {
  switch (found.status) {
    case "filed":
      return "notice";
    case "investigating": {
      if (found.investigation_records.length === 0) return "record";
      const wait = decisionWait(found.penalty_notice, today);
      if (wait === "period") return "partyHeard";
      return wait ?? "decision";
    }
    case "decided":
      if (found.served_on === null) return "service";
      return fineUnpaid(found) ? "payment" : "returnVisit";
    default:
      return fineUnpaid(found) ? "payment" : "none";
  }
}

/** The first extension is the approved 30 days; any further one needs a collective decision's days. */
export function extensionNeedsCollectiveDays(found: Pick<CaseOut, "history">): boolean {
  return found.history.some((step) => step.step === "decision_extended");
}

/** The case's stops and extensions, as the history keeps them, oldest first. */
export function clockChanges(found: Pick<CaseOut, "history">) {
  return found.history.filter((step) => step.step === "clock_stopped" || step.step === "decision_extended");
}

/** Findings of fault recorded against the case's steps. */
export function faultFindings(found: Pick<CaseOut, "history">) {
  return found.history.filter((step) => step.step === "fault_found");
}

// -- legal clocks ---------------------------------------------------------------------------------

export interface ClockFact {
  key: string;
  values?: Record<string, string | number>;
}

/** What explains a deadline beyond its due day: its unit, extensions, days not counted, and
 * whether the holiday calendar was known all the way (else the day is provisional). */
export function clockFacts(deadline: Deadline): ClockFact[] {
  const facts: ClockFact[] = [{ key: `unit.${deadline.unit}`, values: { start: deadline.start } }];
  if (deadline.extensions > 0) {
    facts.push({ key: `extended.${deadline.unit}`, values: { count: deadline.extensions, days: deadline.extended_by } });
  }
  if (deadline.beyond_extension) facts.push({ key: "beyond" });
  if (deadline.excluded_days > 0) facts.push({ key: "excluded", values: { days: deadline.excluded_days } });
  if (deadline.rolled_to_workday) facts.push({ key: "rolled" });
  if (deadline.provisional) facts.push({ key: "provisional", values: { version: deadline.calendar_version } });
  return facts;
}

// -- lists --------------------------------------------------------------------------------------

export type DueFilter = "overdue" | "soon";
export type Department = (typeof DEPARTMENTS)[number];

// "Due soon" is today or within this many days, as the deadline tags colour it.
const SOON_DAYS = 3;

export interface SourceFilters {
  status: (typeof SOURCE_STATUSES)[number] | "all";
  department: Department | null;
  due: DueFilter | null;
  q: string;
}

/** Whether a deadline filter applies: only case sources being verified have a running clock. */
export const dueApplies = (status: SourceFilters["status"]) => status === "received" || status === "all";

/** The case-source list's filters as the address keeps them (received, any department, by default). */
export function sourceFilters(search: URLSearchParams): SourceFilters {
  const status = search.get("status");
  const department = search.get("department");
  const due = search.get("due");
  const chosen = status === "all" ? "all" : (SOURCE_STATUSES.find((value) => value === status) ?? "received");
  return {
    status: chosen,
    department: DEPARTMENTS.find((value) => value === department) ?? null,
    due: dueApplies(chosen) && (due === "overdue" || due === "soon") ? due : null,
    q: search.get("q") ?? "",
  };
}

/** The filters back into the address, leaving out what is the default. */
export function sourceSearch(filters: SourceFilters): Record<string, string> {
  const search: Record<string, string> = {};
  if (filters.status !== "received") search.status = filters.status;
  if (filters.department) search.department = filters.department;
  if (filters.due) search.due = filters.due;
  if (filters.q.trim()) search.q = filters.q.trim();
  return search;
}

export interface SourceQuery {
  status?: (typeof SOURCE_STATUSES)[number];
  department?: Department;
  q?: string;
  due_from?: string;
  due_until?: string;
}

/** The day `days` after (or before) an ISO date. */
export function shiftDay(day: string, days: number): string {
  const [year, month, date] = day.split("-").map(Number);
  return new Date(Date.UTC(year ?? 1970, (month ?? 1) - 1, (date ?? 1) + days)).toISOString().slice(0, 10);
}

/** What the service is asked for the filters: a deadline filter asks for the case sources being
 * verified whose deadline falls in its days (overdue: before today; soon: today to three days on). */
export function sourceQuery(filters: SourceFilters, today: string): SourceQuery {
  const query: SourceQuery = {};
  if (filters.status !== "all") query.status = filters.status;
  if (filters.department) query.department = filters.department;
  if (filters.q.trim()) query.q = filters.q.trim();
  if (filters.due === "overdue") {
    query.status = "received";
    query.due_until = shiftDay(today, -1);
  }
  if (filters.due === "soon") {
    query.status = "received";
    query.due_from = today;
    query.due_until = shiftDay(today, SOON_DAYS);
  }
  return query;
}

export interface CaseFilters {
  status: (typeof CASE_STATUSES)[number] | "all";
  mine: boolean;
}

/** The case list's filters as the address keeps them (every case of the section, by default). */
export function caseFilters(search: URLSearchParams): CaseFilters {
  return {
    status: CASE_STATUSES.find((value) => value === search.get("status")) ?? "all",
    mine: search.get("mine") === "1",
  };
}

/** The case list's filters back into the address, leaving out what is the default. */
export function caseSearch(filters: CaseFilters): Record<string, string> {
  const search: Record<string, string> = {};
  if (filters.status !== "all") search.status = filters.status;
  if (filters.mine) search.mine = "1";
  return search;
}

export interface CaseQuery {
  status?: (typeof CASE_STATUSES)[number];
  handler?: string;
}

/** What the service is asked for the filters: "mine" is the cases the signed-in officer handles
 * (null until who that is is known). */
export function caseQuery(filters: CaseFilters, me: string | undefined): CaseQuery | null {
  if (filters.mine && !me) return null;
  const query: CaseQuery = {};
  if (filters.status !== "all") query.status = filters.status;
  if (filters.mine) query.handler = me;
  return query;
}

/** The deadline watch split as the board shows it: overdue first, then due soon, each soonest first. */
export function boardGroups(entries: WatchedDeadline[]): { overdue: WatchedDeadline[]; dueSoon: WatchedDeadline[] } {
  const sorted = [...entries].sort((a, b) => a.due.localeCompare(b.due) || a.deadline.localeCompare(b.deadline));
  return {
    overdue: sorted.filter((entry) => entry.state === "overdue"),
    dueSoon: sorted.filter((entry) => entry.state === "due_soon"),
  };
}

// -- case numbers ------------------------------------------------------------------------------

/** A case number as typed or pasted (a full address works too), or null when it is none. */
export function caseNumber(text: string): string | null {
  const found = text.trim().match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i);
  return found ? found[0].toLowerCase() : null;
}

// -- the deadline board ----------------------------------------------------------------------

/** Where a watched deadline's record is read: a case source, a case, or (cash from an
 * on-the-spot penalty, which the inspector's office keeps) nowhere in this console. */
export function deadlineRecordPath(kind: WatchedDeadline["deadline"], subjectId: string): string | null {
  if (kind === "verify") return `/enforcement/case-sources/${subjectId}`;
  if (kind === "cash_handover") return null;
  return `/enforcement/cases/${subjectId}`;
}
