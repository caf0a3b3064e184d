import { describe, expect, it } from "vitest";

import {
  addMonths,
  auditCovers,
  bureauTime,
  canAct,
  disagreements,
  dueNotPast,
  formatFigure,
  isMonth,
  listSeparator,
  mayApprove,
  measureOf,
  monthSpan,
  nextDue,
  nextSteps,
  trendSummary,
} from "./rules";

const point = (period: string, value: number | null, numerator: number, denominator: number) => ({
  period,
  value,
  numerator,
  denominator,
});

describe("an objective's figures", () => {
  it("read as a rate when every value is a share at most 1 and the target too", () => {
    expect(measureOf(0.95, [point("2026-11", 0.9, 9, 10), point("2026-12", null, 0, 0)])).toBe("rate");
  });

  it("read as a number for a count (its value is the numerator) or an average (target above 1)", () => {
    expect(measureOf(0, [point("2026-12", 11, 11, 11)])).toBe("number");
    expect(measureOf(0, [point("2026-12", 1, 1, 3)])).toBe("number");
    expect(measureOf(4, [point("2026-12", 4.5, 9, 2)])).toBe("number");
  });

  it("print a rate as a percentage, a number as it is, nothing measured as a dash", () => {
    expect(formatFigure(0.955, "rate", "en")).toBe("95.5%");
    expect(formatFigure(4.25, "number", "en")).toBe("4.25");
    expect(formatFigure(null, "rate", "en")).toBe("—");
  });

  it("say in words what a trend chart shows: its span, latest, lowest and highest month", () => {
    const trend = [point("2026-10", 0.8, 8, 10), point("2026-11", null, 0, 0), point("2026-12", 1, 5, 5)];
    expect(trendSummary(trend, "rate", "en")).toEqual({
      first: "2026-10",
      last: "2026-12",
      measured: 2,
      latest: "100%",
      lowest: "80%",
      lowestPeriod: "2026-10",
      highest: "100%",
      highestPeriod: "2026-12",
    });
    expect(trendSummary([point("2026-12", null, 0, 0)], "rate", "en").lowest).toBe("—");
  });

  it("name the objectives whose live figures differ from those recomputed from the log", () => {
    const live = [
      { code: "b", numerator: 1, denominator: 2 },
      { code: "a", numerator: 3, denominator: 3 },
    ];
    expect(disagreements(live, [{ code: "a", numerator: 3, denominator: 3 }, { code: "b", numerator: 1, denominator: 2 }])).toEqual([]);
    expect(disagreements(live, [{ code: "a", numerator: 2, denominator: 3 }])).toEqual(["a", "b"]);
  });
});

describe("months", () => {
  it("are YYYY-MM and step across years", () => {
    expect(isMonth("2026-12")).toBe(true);
    expect(isMonth("2026-13")).toBe(false);
    expect(addMonths("2026-12", 1)).toBe("2027-01");
    expect(addMonths("2026-03", -11)).toBe("2025-04");
  });

  it("count a span both ends included, none when it runs backwards", () => {
    expect(monthSpan("2026-01", "2026-12")).toBe(12);
    expect(monthSpan("2026-12", "2026-11")).toBe(0);
  });
});

describe("a nonconformity's next steps", () => {
  const action = (done: boolean, due = "2026-12-10") => ({ done, due });

  it("follow its life: plan while open, complete while actions run, check once all are done", () => {
    expect(nextSteps({ status: "open", actions: [] })).toEqual(["plan"]);
    expect(nextSteps({ status: "in_progress", actions: [action(true), action(false)] } as never)).toEqual(["plan", "complete"]);
    expect(nextSteps({ status: "awaiting_check", actions: [action(true)] } as never)).toEqual(["plan", "check"]);
    expect(nextSteps({ status: "closed", actions: [action(true)] } as never)).toEqual([]);
  });

  it("show the soonest due day of an action not done", () => {
    expect(nextDue([action(true, "2026-12-01"), action(false, "2026-12-20"), action(false, "2026-12-09")])).toBe("2026-12-09");
    expect(nextDue([action(true)])).toBeNull();
  });

  it("refuse a due day already past", () => {
    expect(dueNotPast("2026-12-06", "2026-12-06")).toBe(true);
    expect(dueNotPast("2026-12-05", "2026-12-06")).toBe(false);
    expect(dueNotPast("", "2026-12-06")).toBe(false);
  });
});

describe("who acts", () => {
  it("is a person holding the acting role; an auditor only reads", () => {
    expect(canAct(["qms_manager"], "qms_manager")).toBe(true);
    expect(canAct(["auditor"], "qms_manager")).toBe(false);
    expect(canAct(undefined, "qms_manager")).toBe(false);
  });

  it("approves a draft only if someone else wrote it (separation of duties)", () => {
    expect(mayApprove({ status: "draft", author: "quality02" }, "quality01")).toBe(true);
    expect(mayApprove({ status: "draft", author: "quality01" }, "quality01")).toBe(false);
    expect(mayApprove({ status: "in_force", author: "quality02" }, "quality01")).toBe(false);
  });
});

describe("an audit", () => {
  it("covers a process, an office or both", () => {
    expect(auditCovers("registration", undefined)).toBe(true);
    expect(auditCovers(undefined, "office-01")).toBe(true);
    expect(auditCovers(undefined, "  ")).toBe(false);
  });
});

describe("lists", () => {
  it("join with 、 in Chinese and commas in English", () => {
    expect(["a", "b"].join(listSeparator("zh-CN"))).toBe("a、b");
    expect(["a", "b"].join(listSeparator("en"))).toBe("a, b");
  });
});

describe("times", () => {
  it("read in the bureau's zone", () => {
    expect(bureauTime("2026-12-05T17:30:00Z", "en-CA", false)).toBe("2026-12-06");
  });
});
