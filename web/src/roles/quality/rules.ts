// The quality screens' logic that runs in the browser: how a figure reads, what a chart says in
// words, which step a nonconformity allows next, months, and who may act.
import type { components } from "../../api/schema";

export type Nonconformity = components["schemas"]["qms__NonconformityOut"];
export type NcStatus = Nonconformity["status"];
export type NcSource = Nonconformity["source"];
type Action = components["schemas"]["qms__ActionOut"];

export const NC_STATUSES = ["open", "in_progress", "awaiting_check", "closed"] as const satisfies readonly NcStatus[];
export const NC_SOURCES = ["time_limit_rule", "quality_objective", "audit_finding", "person"] as const satisfies readonly NcSource[];
export const SEVERITIES = ["major", "minor", "observation"] as const;
export const PDCA = ["plan", "do", "check", "act"] as const;

/** One month of an objective: its value (null: nothing measured) from numerator and denominator. */
export interface Point {
  period?: string;
  value: number | null;
  numerator: number;
  denominator: number;
}

/** A rate reads as a percentage; a count or an average (satisfaction 1 to 5) as a number. */
export type Measure = "rate" | "number";

/**
 * The service does not say an objective's kind: a rate is a share (numerator / denominator, at
 * most 1, target at most 1); a count's value is its numerator, an average's target is above 1.
 */
export function measureOf(target: number, points: Point[]): Measure {
  if (target > 1) return "number";
  for (const point of points) {
    if (point.value === null) continue;
    if (point.value > 1) return "number";
    if (point.denominator > 0 && Math.abs(point.value - point.numerator / point.denominator) > 1e-9) return "number";
  }
  return "rate";
}

/** A figure as the dashboard prints it; null (nothing measured) is a dash. */
export function formatFigure(value: number | null | undefined, measure: Measure, locale: string): string {
  if (value === null || value === undefined) return "—";
  if (measure === "rate") {
    return new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 1 }).format(value);
  }
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(value);
}

/** A chart's value axis: percentages for a rate (0 to 100), the value itself otherwise. */
export function chartValue(value: number | null, measure: Measure): number | null {
  if (value === null) return null;
  return measure === "rate" ? Math.round(value * 1000) / 10 : value;
}

export interface TrendSummary {
  first: string;
  last: string;
  measured: number;
  latest: string;
  lowest: string;
  lowestPeriod: string;
  highest: string;
  highestPeriod: string;
}

/** What a trend chart shows, in words (its text alternative): the span, the latest, the extremes. */
export function trendSummary(points: Point[], measure: Measure, locale: string): TrendSummary {
  const measured = points.filter((point) => point.value !== null) as (Point & { value: number })[];
  const lowest = measured.reduce<(Point & { value: number }) | undefined>(
    (low, point) => (low === undefined || point.value < low.value ? point : low),
    undefined,
  );
  const highest = measured.reduce<(Point & { value: number }) | undefined>(
    (high, point) => (high === undefined || point.value > high.value ? point : high),
    undefined,
  );
  return {
    first: points[0]?.period ?? "",
    last: points[points.length - 1]?.period ?? "",
    measured: measured.length,
    latest: formatFigure(points[points.length - 1]?.value, measure, locale),
    lowest: formatFigure(lowest?.value, measure, locale),
    lowestPeriod: lowest?.period ?? "—",
    highest: formatFigure(highest?.value, measure, locale),
    highestPeriod: highest?.period ?? "—",
  };
}

/** Objectives whose live figure differs from the one recomputed from the record of everything. */
export function disagreements(
  live: { code: string; numerator: number; denominator: number }[],
  recomputed: { code: string; numerator: number; denominator: number }[],
): string[] {
  const again = new Map(recomputed.map((item) => [item.code, item]));
  const codes = new Set([...live.map((item) => item.code), ...again.keys()]);
  return [...codes]
    .filter((code) => {
      const a = live.find((item) => item.code === code);
      const b = again.get(code);
      return !a || !b || a.numerator !== b.numerator || a.denominator !== b.denominator;
    })
    .sort();
}

const MONTH = /^([0-9]{4})-(0[1-9]|1[0-2])$/;

export function isMonth(text: string | null | undefined): text is string {
  return typeof text === "string" && MONTH.test(text);
}

/** The month `offset` months from `month` (YYYY-MM). */
export function addMonths(month: string, offset: number): string {
  const [year, number] = month.split("-").map(Number);
  const index = (year ?? 1970) * 12 + ((number ?? 1) - 1) + offset;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, "0")}`;
}

/** Months from `first` to `last`, both included (0 when `last` is before `first`). */
export function monthSpan(first: string, last: string): number {
  const index = (month: string) => {
    const [year, number] = month.split("-").map(Number);
    return (year ?? 0) * 12 + (number ?? 1);
  };
  return Math.max(0, index(last) - index(first) + 1);
}

export type NcStep = "plan" | "complete" | "check";

/** What the quality office may do to a nonconformity now (its life: see services/qms). */
export function nextSteps(nonconformity: Pick<Nonconformity, "status" | "actions">): NcStep[] {
  switch (nonconformity.status) {
    case "open":
      return ["plan"];
    case "in_progress":
      return nonconformity.actions.some((action) => !action.done) ? ["plan", "complete"] : ["plan"];
    case "awaiting_check":
      return ["plan", "check"];
    case "closed":
      return [];
  }
}

/** The soonest due day of a corrective action not done yet. */
export function nextDue(actions: Pick<Action, "due" | "done">[]): string | null {
  const due = actions.filter((action) => !action.done).map((action) => action.due).sort();
  return due[0] ?? null;
}

/** A corrective action's due day is today or later (the service refuses a past one). */
export function dueNotPast(due: string, today: string): boolean {
  return /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(due) && due >= today;
}

/** Whether a person with `roles` acts as `role` (an auditor reads, and never acts). */
export function canAct(roles: readonly string[] | undefined, role: string): boolean {
  return (roles ?? []).includes(role);
}

/** A version's approval is another member's: its author may not approve it. */
export function mayApprove(version: { status: string; author: string }, me: string | undefined): boolean {
  return version.status === "draft" && me !== undefined && version.author !== me;
}

/** An instant as the bureau reads it: date and time in Asia/Shanghai, whatever the browser's zone. */
export function bureauTime(at: string | null | undefined, locale: string, withTime = true): string {
  if (!at) return "";
  const options: Intl.DateTimeFormatOptions = withTime
    ? { timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false }
    : { timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit" };
  return new Intl.DateTimeFormat(locale, options).format(new Date(at));
}

/** An audit covers a process, an office or both. */
export function auditCovers(process: string | null | undefined, office: string | null | undefined): boolean {
  return Boolean(process?.trim() || office?.trim());
}

/** How a list reads: 、 between Chinese items, a comma between English ones. */
export function listSeparator(locale: string): string {
  return locale.startsWith("zh") ? "、" : ", ";
}
