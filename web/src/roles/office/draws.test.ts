import { describe, expect, it } from "vitest";

import { latestDrawn, nextStep, poolOf, waitingFor } from "./draws";

const selection = [
  { credit_code: "A1", risk_class: "B", grid_id: "g", owner: "inspector06", inspectors: ["standby06"] },
  { credit_code: "A2", risk_class: "D", grid_id: "g", owner: "inspector06", inspectors: ["inspector01", "standby06"] },
  { credit_code: "A3", risk_class: "A", grid_id: "g", owner: "standby06", inspectors: ["inspector06"] },
];

describe("a plan's draws", () => {
  it("offers the first draw without a reason, a further one with, and no commit while one waits", () => {
    expect(nextStep([])).toEqual({ commit: true, needsReason: false, reveal: null });
    expect(nextStep([{ number: 1, status: "committed" }])).toEqual({ commit: false, needsReason: true, reveal: 1 });
    expect(nextStep([{ number: 1, status: "drawn", selection }])).toEqual({ commit: true, needsReason: true, reveal: null });
  });

  it("inspects the latest drawn draw, not a later one still committed", () => {
    const draws = [
      { number: 1, status: "drawn" as const, selection },
      { number: 2, status: "drawn" as const, selection: [] },
      { number: 3, status: "committed" as const },
    ];
    expect(latestDrawn(draws)?.number).toBe(2);
  });

  it("leaves an inspector the households drawn for them whose result is not recorded", () => {
    const draws = [{ number: 1, status: "drawn" as const, selection }];
    expect(waitingFor("standby06", draws, []).map((s) => s.credit_code)).toEqual(["A1", "A2"]);
    expect(waitingFor("standby06", draws, [{ number: 1, credit_code: "A1" }]).map((s) => s.credit_code)).toEqual(["A2"]);
    expect(waitingFor("inspector06", [{ number: 1, status: "committed" as const }], [])).toEqual([]);
  });

  it("takes a typed pool trimmed and once each", () => {
    expect(poolOf([" inspector06", "standby06", "inspector06 ", ""])).toEqual(["inspector06", "standby06"]);
  });
});
