// The office head's figures and rules, computed in the browser: supervision has no report of
// households by state, so they are counted from the households list the service gives the head
// (the whole office). Delegations are checked before they are sent.
import { deadlineState } from "../../common/deadline";

interface Counted {
  status: string;
  grid_id: string | null;
  claim_deadline: string | null;
}

export const STATES = ["unrouted", "assigned", "claimed", "cancelled"] as const;
export type State = (typeof STATES)[number];

export interface Figures {
  total: number;
  byState: Record<State, number>;
  /** Assigned, not claimed, deadline passed. */
  overdue: number;
  /** Assigned, not claimed, due today or tomorrow. */
  dueSoon: number;
}

function claimKind(household: Counted, today: string): "overdue" | "soon" | null {
  if (household.status !== "assigned" || !household.claim_deadline) return null;
  const kind = deadlineState(household.claim_deadline, today, 1).kind;
  if (kind === "overdue") return "overdue";
  return kind === "later" ? null : "soon";
}

export function householdFigures(households: Counted[], today: string): Figures {
  const byState = Object.fromEntries(STATES.map((state) => [state, 0])) as Record<State, number>;
  let overdue = 0;
  let dueSoon = 0;
  for (const household of households) {
    if ((STATES as readonly string[]).includes(household.status)) byState[household.status as State] += 1;
    const kind = claimKind(household, today);
    if (kind === "overdue") overdue += 1;
    if (kind === "soon") dueSoon += 1;
  }
  return { total: households.length, byState, overdue, dueSoon };
}

export interface GridRow {
  id: string;
  name: string;
  owner: string;
  assigned: number;
  claimed: number;
  overdue: number;
}

/** Per grid of the office: its owner and its households by state. */
export function gridFigures(
  grids: { id: string; name: string; owner: string }[],
  households: Counted[],
  today: string,
): GridRow[] {
  return grids.map((grid) => {
    const inGrid = households.filter((h) => h.grid_id === grid.id);
    return {
      id: grid.id,
      name: grid.name,
      owner: grid.owner,
      assigned: inGrid.filter((h) => h.status === "assigned").length,
      claimed: inGrid.filter((h) => h.status === "claimed").length,
      overdue: inGrid.filter((h) => claimKind(h, today) === "overdue").length,
    };
  });
}

// -- position agents (职位代理) ---------------------------------------------------------------

export interface DelegationDraft {
  officer?: string;
  agent?: string;
  start?: string;
  end?: string;
}

/** The catalogue key of what is wrong with a delegation, or null. */
export function delegationProblem(draft: DelegationDraft, today: string): string | null {
  const officer = draft.officer?.trim();
  const agent = draft.agent?.trim();
  if (!officer || !agent || !draft.start || !draft.end) return "office.delegation.rule.complete";
  if (officer === agent) return "office.delegation.rule.self";
  if (draft.end < draft.start) return "office.delegation.rule.order";
  if (draft.end < today) return "office.delegation.rule.past";
  return null;
}

export type DelegationState = "running" | "upcoming" | "ended";

export function delegationState(delegation: { start: string; end: string }, today: string): DelegationState {
  if (delegation.end < today) return "ended";
  return delegation.start > today ? "upcoming" : "running";
}
