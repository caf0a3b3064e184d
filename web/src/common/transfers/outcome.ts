// What came of a case source transferred to enforcement (通报备案), as a list reads it. The
// window's (licensing) and the offices' (supervision) transfers carry the same outcome.
import type { components } from "../../api/schema";

export type TransferOutcome = components["schemas"]["supervision__TransferOutcomeOut"];

export interface Phrase {
  key: string;
  values?: Record<string, string>;
}

/** The penalty decided, one phrase a kind: a fine with its amount (as `money` writes it). */
export function penaltyPhrases(outcome: Pick<TransferOutcome, "penalty_kinds" | "fine_amount">, money: (amount: string) => string): Phrase[] {
  return outcome.penalty_kinds.map((kind) =>
    kind === "fine" && outcome.fine_amount !== null && outcome.fine_amount !== undefined
      ? { key: "transfers.penalty.fineAmount", values: { amount: money(String(outcome.fine_amount)) } }
      : { key: `transfers.penalty.${kind}` },
  );
}

/** The outcome's sentence: its step, and for a refusal its reasons, for a decision its penalty. */
export function outcomePhrase(outcome: TransferOutcome, penalty: string): Phrase {
  switch (outcome.status) {
    case "not_filed":
      return { key: "transfers.outcome.not_filed", values: { reasons: outcome.reasons.join("; ") } };
    case "decided":
      return penalty ? { key: "transfers.outcome.decided", values: { penalty } } : { key: "transfers.outcome.decidedOnly" };
    default:
      return { key: `transfers.outcome.${outcome.status}` };
  }
}

/** A discovery day may be any day up to today (the service refuses a later one). */
export function discoveryProblem(day: string | undefined, today: string): "future" | null {
  return day && day > today ? "future" : null;
}
