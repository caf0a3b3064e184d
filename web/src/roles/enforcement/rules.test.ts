import { describe, expect, it } from "vitest";

import type { components } from "../../api/schema";
import {
  deadlineRecordPath,
  availableActions,
  boardGroups,
  bureauInstant,
  bureauNowLocal,
  caseFilters,
  caseNumber,
  caseQuery,
  caseSearch,
  clockFacts,
  decisionWait,
  distinctHandlers,
  endsBeforeStart,
  extensionNeedsCollectiveDays,
  handlersProblem,
  nextStep,
  onPublicity,
  parseEvidence,
  penaltyBody,
  penaltyProblem,
  shiftDay,
  sourceFilters,
  sourceQuery,
  sourceSearch,
} from "./rules";

type CaseOut = components["schemas"]["enforcement__CaseOut"];
type Deadline = components["schemas"]["enforcement__Deadline"];
type PenaltyNotice = components["schemas"]["enforcement__PenaltyNoticeOut"];
type Statement = components["schemas"]["enforcement__StatementOut"];

const HASH = `sha256:${"ab".repeat(32)}`;

describe("filing: the handlers", () => {
  it("needs two different officers", () => {
    expect(handlersProblem([])).toBe("tooFew");
    expect(handlersProblem(["officer11"])).toBe("tooFew");
    // The same officer twice is still one handler.
    expect(handlersProblem(["officer11", "officer11"])).toBe("tooFew");
    expect(handlersProblem(["officer11", " officer11 "])).toBe("tooFew");
    expect(handlersProblem(["officer11", "officer12"])).toBeNull();
  });

  it("refuses what is not a username, and more than ten", () => {
    expect(handlersProblem(["officer11", "郑执法"])).toBe("invalid");
    expect(handlersProblem(["officer11", "Officer12"])).toBe("invalid");
    expect(handlersProblem(Array.from({ length: 11 }, (_, i) => `officer${i + 10}`))).toBe("tooMany");
  });

  it("sends each handler once, trimmed, in the order chosen", () => {
    expect(distinctHandlers(["officer12", " officer11", "officer12", ""])).toEqual(["officer12", "officer11"]);
  });
});

describe("form values", () => {
  it("reads evidence references and names the bad ones", () => {
    expect(parseEvidence(`${HASH}\n${HASH}, sha256:xyz`)).toEqual({ refs: [HASH, "sha256:xyz"], bad: ["sha256:xyz"] });
    expect(parseEvidence(undefined)).toEqual({ refs: [], bad: [] });
  });

  it("refuses a span that ends before it starts, both ends included", () => {
    expect(endsBeforeStart("2026-12-07", "2026-12-06")).toBe(true);
    expect(endsBeforeStart("2026-12-07", "2026-12-07")).toBe(false);
    expect(endsBeforeStart("2026-12-07", undefined)).toBe(false);
  });

  it("asks an amount of a fine, lets a confiscation carry the value confiscated, and nothing else", () => {
    expect(penaltyProblem("fine", undefined)).toBe("amountRequired");
    expect(penaltyProblem("fine", "0")).toBe("amountInvalid");
    expect(penaltyProblem("fine", "12.345")).toBe("amountInvalid");
    expect(penaltyProblem("fine", "-5")).toBe("amountInvalid");
    expect(penaltyProblem("fine", "5000.50")).toBeNull();
    expect(penaltyProblem("warning", "")).toBeNull();
    expect(penaltyProblem("confiscation", "100")).toBeNull();
    expect(penaltyProblem("confiscation", undefined)).toBeNull();
    expect(penaltyProblem("confiscation", "0")).toBe("amountInvalid");
    expect(penaltyProblem("licence_suspension", "100")).toBe("noAmount");
  });

  it("sends an amount only with a kind that carries one", () => {
    expect(penaltyBody("fine", " 2000 ")).toEqual({ kind: "fine", amount: "2000" });
    expect(penaltyBody("confiscation", "")).toEqual({ kind: "confiscation", amount: null });
    expect(penaltyBody("licence_revocation", "5")).toEqual({ kind: "licence_revocation", amount: null });
  });

  it("sends a delivery time typed in the bureau's time at +08:00", () => {
    expect(bureauInstant("2026-12-06T09:30")).toBe("2026-12-06T09:30:00+08:00");
    expect(bureauInstant("2026-12-06T09:30:15")).toBe("2026-12-06T09:30:15+08:00");
    // 2026-12-05 17:30 UTC is already 6 December, 01:30, in Beijing.
    expect(bureauNowLocal(new Date("2026-12-05T17:30:00Z"))).toBe("2026-12-06T01:30");
  });
});

const step = (name: string, detail: Record<string, unknown> = {}) => ({ step: name, at: "2026-12-06T01:00:00Z", actor: "officer11", detail });

function aCase(overrides: Partial<CaseOut>): CaseOut {
  return {
    id: "349aa3b9-284a-4bd2-8c11-95fe3cfb04c7",
    case_source_id: "9c0c919f-6ecd-4d32-800b-52a9a08b1f73",
    credit_code: null,
    section: "section-1",
    status: "filed",
    handlers: ["officer11", "officer12"],
    filed_by: "officer11",
    filed_at: "2026-12-06T01:00:00Z",
    decision_due: "2027-03-08",
    decision_deadline: {} as Deadline,
    notice: null,
    penalty_notice: null,
    decision: null,
    decided_at: null,
    decided_on_time: null,
    service_due: null,
    served_on: null,
    served_how: null,
    payment_due: null,
    paid_on: null,
    late_payment_surcharge: null,
    return_visit_due: null,
    return_visit: null,
    closed_at: null,
    deadlines: [],
    investigation_records: [],
    history: [step("filed")],
    ...overrides,
  };
}

const fine = { penalty: { kind: "fine" as const, amount: "5000" }, legal_basis: "广告法第五十五条", decided_by: "officer11" };
const record = { id: "r", case_id: "c", kind: "inquiry", summary: "询问", evidence: [], recorded_by: "officer11", recorded_at: "" };

// Served on Monday 7 December 2026: the party may state its case until the 10th, ask for a hearing until the 14th.
function aNotice(overrides: Partial<PenaltyNotice> = {}): PenaltyNotice {
  return {
    facts: "宣传册称“销量第一”无依据",
    legal_basis: "广告法第五十五条",
    penalty: { kind: "fine", amount: "5000" },
    party_kind: "organisation",
    hearing_offered: false,
    served_on: "2026-12-07",
    served_how: "in_person",
    statement_deadline: { due: "2026-12-10" } as Deadline,
    hearing_request_deadline: null,
    recorded_by: "officer11",
    recorded_at: "2026-12-07T02:00:00Z",
    statements: [],
    waived_on: null,
    hearing: null,
    ...overrides,
  };
}

const statement = (number: number, answered: boolean): Statement => ({
  number,
  received_on: "2026-12-08",
  content: "宣传内容已撤下，请求从轻处罚",
  recorded_by: "officer11",
  answer: answered ? { accepted: false, reasons: "违法事实清楚", answered_by: "officer12", answered_at: "2026-12-08T03:00:00Z" } : null,
});

describe("a case's next step", () => {
  const TODAY = "2026-12-08";
  const investigating = aCase({ status: "investigating", investigation_records: [record] });

  it("is the supervision notice first, then a record, then the notice of the intended penalty", () => {
    expect(nextStep(aCase({}), TODAY)).toBe("notice");
    expect(availableActions(aCase({}))).toEqual(["notice", "stop", "extension"]);
    expect(nextStep(aCase({ status: "investigating" }), TODAY)).toBe("record");
    expect(nextStep(investigating, TODAY)).toBe("penaltyNotice");
    // No decision before the notice of the intended penalty: the action is not offered.
    expect(availableActions(investigating)).toEqual(["record", "penaltyNotice", "stop", "extension"]);
    expect(decisionWait(null, TODAY)).toBe("penaltyNotice");
  });

  it("waits for the party's statement period once the notice is served", () => {
    const served = { ...investigating, penalty_notice: aNotice() };
    expect(nextStep(served, TODAY)).toBe("partyHeard");
    expect(decisionWait(served.penalty_notice, TODAY)).toBe("period");
    expect(availableActions(served)).toEqual(["record", "penaltyNotice", "statement", "waiver", "decision", "stop", "extension"]);
    // The period's last day still belongs to the party; the day after, the decision may come.
    expect(nextStep(served, "2026-12-10")).toBe("partyHeard");
    expect(nextStep(served, "2026-12-11")).toBe("decision");
  });

  it("lets a written waiver cut the period short", () => {
    const waived = { ...investigating, penalty_notice: aNotice({ waived_on: TODAY }) };
    expect(nextStep(waived, TODAY)).toBe("decision");
    expect(availableActions(waived)).toEqual(["record", "penaltyNotice", "decision", "stop", "extension"]);
  });

  it("answers every statement before the decision; answered, with no hearing on offer, the decision may come early", () => {
    const stated = { ...investigating, penalty_notice: aNotice({ statements: [statement(1, false)] }) };
    expect(nextStep(stated, TODAY)).toBe("answer");
    expect(availableActions(stated)).toContain("answer");
    const answered = { ...investigating, penalty_notice: aNotice({ statements: [statement(1, true)] }) };
    expect(nextStep(answered, TODAY)).toBe("decision");
    expect(availableActions(answered)).not.toContain("answer");
    // On offer, a hearing may still be asked for until its own day: the period runs on.
    const offered = { ...investigating, penalty_notice: aNotice({ hearing_offered: true, statements: [statement(1, true)] }) };
    expect(nextStep(offered, TODAY)).toBe("partyHeard");
  });

  it("offers a hearing request only on a penalty art. 63 lists, and holds the decision until the hearing", () => {
    const offered = aNotice({ hearing_offered: true, hearing_request_deadline: { due: "2026-12-14" } as Deadline });
    expect(availableActions({ ...investigating, penalty_notice: offered })).toContain("hearingRequest");
    expect(availableActions({ ...investigating, penalty_notice: aNotice() })).not.toContain("hearingRequest");
    const asked = { ...investigating, penalty_notice: { ...offered, hearing: { requested_on: TODAY, start: null, end: null, conclusion: null } } };
    expect(nextStep(asked, TODAY)).toBe("hearing");
    expect(availableActions(asked)).toContain("hearing");
    expect(availableActions(asked)).not.toContain("hearingRequest");
    const held = { ...asked.penalty_notice, hearing: { requested_on: TODAY, start: TODAY, end: TODAY, conclusion: "维持拟处罚意见" } };
    expect(nextStep({ ...investigating, penalty_notice: held }, "2026-12-15")).toBe("decision");
    expect(availableActions({ ...investigating, penalty_notice: held })).not.toContain("hearing");
  });

  it("after a decision, its service; a fine's payment from then; then the return visit that closes the case", () => {
    const decided = aCase({ status: "decided", decision: fine, penalty_notice: aNotice({ waived_on: TODAY }), history: [step("decided")] });
    expect(nextStep(decided, TODAY)).toBe("service");
    // The fine is due only once the decision is served: no payment before.
    expect(availableActions(decided)).toEqual(["service", "returnVisit", "withdrawal"]);
    const served = { ...decided, served_on: TODAY, served_how: "in_person", payment_due: "2026-12-23" };
    expect(nextStep(served, TODAY)).toBe("payment");
    expect(availableActions(served)).toEqual(["payment", "returnVisit", "withdrawal"]);
    const paid = { ...served, paid_on: "2026-12-09" };
    expect(nextStep(paid, TODAY)).toBe("returnVisit");
    expect(nextStep({ ...paid, status: "closed" }, TODAY)).toBe("none");
    // A closed case whose fine is still unpaid waits for the payment.
    expect(nextStep({ ...served, status: "closed" }, TODAY)).toBe("payment");
  });

  it("keeps a warning off the publicity feed, and a withdrawn decision too", () => {
    const warning = aCase({ status: "decided", decision: { ...fine, penalty: { kind: "warning", amount: null } } });
    expect(onPublicity(warning)).toBe(false);
    expect(availableActions(warning)).toEqual(["service", "returnVisit"]);
    const decided = aCase({ status: "decided", decision: fine, history: [step("decided")] });
    expect(onPublicity(decided)).toBe(true);
    expect(onPublicity({ ...decided, history: [step("decided"), step("publicity_withdrawn")] })).toBe(false);
  });

  it("asks a collective decision's days for any extension after the first", () => {
    expect(extensionNeedsCollectiveDays(aCase({}))).toBe(false);
    expect(extensionNeedsCollectiveDays(aCase({ history: [step("filed"), step("decision_extended", { number: 1 })] }))).toBe(true);
  });
});

describe("legal clocks", () => {
  const deadline: Deadline = {
    rule_code: "enforcement.decide",
    basis: "Administrative Penalty Law art. 60; SAMR provisions",
    unit: "days",
    start: "2026-12-06",
    due: "2027-04-09",
    calendar_version: "2026.1",
    provisional: true,
    extensions: 1,
    extended_by: 30,
    beyond_extension: null,
    excluded_days: 4,
    rolled_to_workday: false,
  };

  it("explains a deadline by what the service counted", () => {
    expect(clockFacts(deadline)).toEqual([
      { key: "unit.days", values: { start: "2026-12-06" } },
      { key: "extended.days", values: { count: 1, days: 30 } },
      { key: "excluded", values: { days: 4 } },
      { key: "provisional", values: { version: "2026.1" } },
    ]);
    const verify = { ...deadline, unit: "workdays" as const, extensions: 0, excluded_days: 0, provisional: false };
    expect(clockFacts(verify)).toEqual([{ key: "unit.workdays", values: { start: "2026-12-06" } }]);
  });

  it("puts the overdue first on the board, each group soonest first", () => {
    const entry = (due: string, state: "overdue" | "due_soon", deadline: "verify" | "decide" = "verify") => ({
      subject_id: due,
      deadline,
      due,
      state,
      rule_code: "",
      basis: "",
      section: "section-1",
      credit_code: null,
    });
    const groups = boardGroups([entry("2026-12-08", "due_soon"), entry("2026-12-01", "overdue"), entry("2026-12-07", "due_soon", "decide"), entry("2026-11-30", "overdue")]);
    expect(groups.overdue.map((e) => e.due)).toEqual(["2026-11-30", "2026-12-01"]);
    expect(groups.dueSoon.map((e) => e.due)).toEqual(["2026-12-07", "2026-12-08"]);
  });
});

describe("the case-source list's filters", () => {
  it("live in the address, the defaults left out", () => {
    const filters = sourceFilters(new URLSearchParams("status=all&department=market&q=%E5%B9%BF%E5%91%8A&due=bogus"));
    expect(filters).toEqual({ status: "all", department: "market", due: null, q: "广告" });
    expect(sourceSearch(filters)).toEqual({ status: "all", department: "market", q: "广告" });
    expect(sourceFilters(new URLSearchParams(""))).toEqual({ status: "received", department: null, due: null, q: "" });
    expect(sourceSearch(sourceFilters(new URLSearchParams("status=nonsense")))).toEqual({});
  });

  it("keep a deadline filter only for case sources being verified", () => {
    expect(sourceFilters(new URLSearchParams("due=overdue")).due).toBe("overdue");
    expect(sourceFilters(new URLSearchParams("status=all&due=soon")).due).toBe("soon");
    expect(sourceFilters(new URLSearchParams("status=filed&due=overdue")).due).toBeNull();
  });

  it("ask the service for the status, department, words and the deadline's days", () => {
    const base = sourceFilters(new URLSearchParams(""));
    const today = "2026-12-31";
    expect(sourceQuery(base, today)).toEqual({ status: "received" });
    expect(sourceQuery({ ...base, status: "all", department: "trademark", q: "  ma6123 " }, today)).toEqual({
      department: "trademark",
      q: "ma6123",
    });
    expect(sourceQuery({ ...base, status: "all", due: "overdue" }, today)).toEqual({ status: "received", due_until: "2026-12-30" });
    expect(sourceQuery({ ...base, due: "soon" }, today)).toEqual({ status: "received", due_from: "2026-12-31", due_until: "2027-01-03" });
  });

  it("count days across months and years", () => {
    expect(shiftDay("2026-03-01", -1)).toBe("2026-02-28");
    expect(shiftDay("2028-02-28", 1)).toBe("2028-02-29");
    expect(shiftDay("2026-12-30", 3)).toBe("2027-01-02");
  });
});

describe("the case list's filters", () => {
  it("live in the address, the defaults left out", () => {
    const filters = caseFilters(new URLSearchParams("status=decided&mine=1"));
    expect(filters).toEqual({ status: "decided", mine: true });
    expect(caseSearch(filters)).toEqual({ status: "decided", mine: "1" });
    expect(caseFilters(new URLSearchParams("status=open&mine=yes"))).toEqual({ status: "all", mine: false });
    expect(caseSearch(caseFilters(new URLSearchParams("")))).toEqual({});
  });

  it("ask for the signed-in officer's cases as their handler, and wait until who that is is known", () => {
    expect(caseQuery({ status: "all", mine: false }, undefined)).toEqual({});
    expect(caseQuery({ status: "filed", mine: true }, "officer11")).toEqual({ status: "filed", handler: "officer11" });
    expect(caseQuery({ status: "all", mine: true }, undefined)).toBeNull();
  });
});

describe("case numbers", () => {
  it("reads a case number from what was pasted", () => {
    expect(caseNumber(" 349AA3B9-284A-4BD2-8C11-95FE3CFB04C7 ")).toBe("349aa3b9-284a-4bd2-8c11-95fe3cfb04c7");
    expect(caseNumber("http://x/enforcement/cases/349aa3b9-284a-4bd2-8c11-95fe3cfb04c7")).toBe(
      "349aa3b9-284a-4bd2-8c11-95fe3cfb04c7",
    );
    expect(caseNumber("12345")).toBeNull();
  });
});

describe("the deadline board", () => {
  it("leads each watched deadline to the record it times", () => {
    expect(deadlineRecordPath("verify", "s1")).toBe("/enforcement/case-sources/s1");
    for (const kind of ["decide", "serve", "pay", "return_visit"] as const) {
      expect(deadlineRecordPath(kind, "c1")).toBe("/enforcement/cases/c1");
    }
    expect(deadlineRecordPath("cash_handover", "p1")).toBeNull();
  });
});
