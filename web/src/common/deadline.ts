// How a due date reads on a list: overdue, today, soon, or later. Days here are calendar days;
// screens that count working days take the count the service computed with the legal clock.

export type DeadlineKind = "overdue" | "today" | "soon" | "later";

export interface DeadlineState {
  kind: DeadlineKind;
  days: number;
}

const DAY_MS = 86_400_000;

function dayNumber(isoDate: string): number {
  const [year, month, day] = isoDate.slice(0, 10).split("-").map(Number);
  return Date.UTC(year ?? 1970, (month ?? 1) - 1, day ?? 1) / DAY_MS;
}

/** `due` and `today` as ISO dates (a timestamp's date part is taken). */
export function deadlineState(due: string, today: string, soonDays = 3): DeadlineState {
  const days = dayNumber(due) - dayNumber(today);
  if (days < 0) return { kind: "overdue", days: -days };
  if (days === 0) return { kind: "today", days: 0 };
  if (days <= soonDays) return { kind: "soon", days };
  return { kind: "later", days };
}

export const DEADLINE_COLOURS: Record<DeadlineKind, string> = {
  overdue: "red",
  today: "volcano",
  soon: "gold",
  later: "default",
};

/** Today in the bureau's time zone, as an ISO date. */
export function bureauToday(now: Date = new Date()): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(now);
}
