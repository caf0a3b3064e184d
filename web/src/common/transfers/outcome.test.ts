import { describe, expect, it } from "vitest";

import { discoveryProblem, outcomePhrase, penaltyPhrases, type TransferOutcome } from "./outcome";

const outcome = (overrides: Partial<TransferOutcome>): TransferOutcome => ({
  status: "transferred",
  at: "2026-12-07T02:00:00Z",
  case_id: null,
  reasons: [],
  penalty_kinds: [],
  fine_amount: null,
  ...overrides,
});
const money = (amount: string) => Number(amount).toFixed(2);

describe("a transfer's outcome", () => {
  it("reads each step enforcement took", () => {
    expect(outcomePhrase(outcome({}), "")).toEqual({ key: "transfers.outcome.transferred" });
    expect(outcomePhrase(outcome({ status: "filed" }), "")).toEqual({ key: "transfers.outcome.filed" });
    expect(outcomePhrase(outcome({ status: "closed" }), "")).toEqual({ key: "transfers.outcome.closed" });
  });

  it("gives the reasons a case was not filed", () => {
    expect(outcomePhrase(outcome({ status: "not_filed", reasons: ["证据不足", "已过追责时效"] }), "")).toEqual({
      key: "transfers.outcome.not_filed",
      values: { reasons: "证据不足; 已过追责时效" },
    });
  });

  it("names the penalty decided, a fine with its amount", () => {
    const decided = outcome({ status: "decided", penalty_kinds: ["fine", "confiscation_of_illegal_gains"], fine_amount: "2000" });
    expect(penaltyPhrases(decided, money)).toEqual([
      { key: "transfers.penalty.fineAmount", values: { amount: "2000.00" } },
      { key: "transfers.penalty.confiscation_of_illegal_gains" },
    ]);
    expect(outcomePhrase(decided, "罚款 2,000.00 元")).toEqual({ key: "transfers.outcome.decided", values: { penalty: "罚款 2,000.00 元" } });
    expect(outcomePhrase(outcome({ status: "decided" }), "")).toEqual({ key: "transfers.outcome.decidedOnly" });
  });

  it("refuses a discovery day after today", () => {
    expect(discoveryProblem("2026-12-08", "2026-12-07")).toBe("future");
    expect(discoveryProblem("2026-12-07", "2026-12-07")).toBeNull();
    expect(discoveryProblem(undefined, "2026-12-07")).toBeNull();
  });
});
