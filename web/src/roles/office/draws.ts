// Random inspections (双随机): what a plan's draws allow next, and which drawn households wait
// for a result. The service decides; these only choose what the screens offer.

export interface Selected {
  credit_code: string;
  risk_class: string;
  grid_id: string;
  owner: string;
  inspectors: string[];
}

interface Draw {
  number: number;
  status: "committed" | "drawn";
  selection?: { [key: string]: unknown }[] | null;
}

interface Result {
  number: number;
  credit_code: string;
}

/** What the head may do next: commit a draw (a further one says why) or reveal the committed. */
export function nextStep(draws: Draw[]): { commit: boolean; needsReason: boolean; reveal: number | null } {
  const committed = draws.find((d) => d.status === "committed");
  return { commit: !committed, needsReason: draws.length > 0, reveal: committed ? committed.number : null };
}

/** The latest drawn draw: the one inspected (an earlier one is kept, not inspected). */
export function latestDrawn<T extends Draw>(draws: T[]): T | undefined {
  return [...draws].reverse().find((d) => d.status === "drawn");
}

/** The selection of a draw, as the service publishes it. */
export function selectionOf(draw: Draw | undefined): Selected[] {
  return (draw?.selection ?? []) as unknown as Selected[];
}

/** The households of the latest draw drawn for `inspector` whose result is not recorded yet. */
export function waitingFor(inspector: string, draws: Draw[], results: Result[]): Selected[] {
  const current = latestDrawn(draws);
  if (!current) return [];
  const recorded = new Set(results.filter((r) => r.number === current.number).map((r) => r.credit_code));
  return selectionOf(current).filter((s) => s.inspectors.includes(inspector) && !recorded.has(s.credit_code));
}

/** Usernames typed into the pool: trimmed, none twice, none empty. */
export function poolOf(typed: string[]): string[] {
  return [...new Set(typed.map((u) => u.trim()).filter(Boolean))];
}
