import { describe, expect, it } from "vitest";

import { delegationProblem, delegationState, gridFigures, householdFigures } from "./rules";

const today = "2026-12-07";
const households = [
  { status: "unrouted", grid_id: null, claim_deadline: null },
  { status: "assigned", grid_id: "g1", claim_deadline: "2026-12-04" },
  { status: "assigned", grid_id: "g1", claim_deadline: "2026-12-08" },
  { status: "assigned", grid_id: "g2", claim_deadline: "2026-12-11" },
  { status: "claimed", grid_id: "g2", claim_deadline: "2026-12-01" },
  { status: "cancelled", grid_id: "g2", claim_deadline: null },
];

describe("the office's figures", () => {
  it("counts households by state, and the claims overdue or due by tomorrow", () => {
    expect(householdFigures(households, today)).toEqual({
      total: 6,
      byState: { unrouted: 1, assigned: 3, claimed: 1, cancelled: 1 },
      overdue: 1,
      dueSoon: 1,
    });
    expect(householdFigures([], today).total).toBe(0);
  });

  it("counts each grid's households", () => {
    const grids = [
      { id: "g1", name: "营门口网格", owner: "inspector01" },
      { id: "g2", name: "北星网格", owner: "inspector02" },
    ];
    expect(gridFigures(grids, households, today)).toEqual([
      { id: "g1", name: "营门口网格", owner: "inspector01", assigned: 2, claimed: 0, overdue: 1 },
      { id: "g2", name: "北星网格", owner: "inspector02", assigned: 1, claimed: 1, overdue: 0 },
    ]);
  });
});

describe("a position agent", () => {
  const draft = { officer: "inspector01", agent: "inspector02", start: "2026-12-07", end: "2026-12-09" };

  it("is another person, for a range that ends after it starts and not before today", () => {
    expect(delegationProblem(draft, today)).toBeNull();
    expect(delegationProblem({ ...draft, agent: " inspector01 " }, today)).toBe("office.delegation.rule.self");
    expect(delegationProblem({ ...draft, end: "2026-12-06" }, today)).toBe("office.delegation.rule.order");
    expect(delegationProblem({ ...draft, start: "2026-12-01", end: "2026-12-05" }, today)).toBe("office.delegation.rule.past");
    expect(delegationProblem({ ...draft, agent: "" }, today)).toBe("office.delegation.rule.complete");
  });

  it("runs from its first to its last day, both included", () => {
    expect(delegationState({ start: "2026-12-07", end: "2026-12-07" }, today)).toBe("running");
    expect(delegationState({ start: "2026-12-08", end: "2026-12-09" }, today)).toBe("upcoming");
    expect(delegationState({ start: "2026-12-01", end: "2026-12-06" }, today)).toBe("ended");
  });
});
