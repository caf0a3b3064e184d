import { describe, expect, it } from "vitest";

import {
  claimsPressing,
  describeEntry,
  entryAttachments,
  filtered,
  inInspectorOrder,
  instantOf,
  matchesSearch,
  onTheSpotRefusal,
  timesProblem,
} from "./rules";

describe("the on-the-spot penalty's limits (Administrative Penalty Law art. 51, 68)", () => {
  it("allows a warning without an amount or cash", () => {
    expect(onTheSpotRefusal("citizen", "warning", null, false)).toBeNull();
    expect(onTheSpotRefusal("organisation", "warning", undefined, false)).toBeNull();
    expect(onTheSpotRefusal("citizen", "warning", 50, false)?.field).toBe("penalty.amount");
    expect(onTheSpotRefusal("citizen", "warning", null, true)?.field).toBe("collected_on_spot");
  });

  it("fines a citizen up to 200 CNY and an organisation up to 3,000 CNY, the limits included", () => {
    expect(onTheSpotRefusal("citizen", "fine", 200, false)).toBeNull();
    expect(onTheSpotRefusal("citizen", "fine", 200.01, false)).toEqual({
      field: "penalty.amount",
      reason: "inspector.penalty.refusal.cap.citizen",
      values: { cap: 200 },
    });
    expect(onTheSpotRefusal("organisation", "fine", 3000, false)).toBeNull();
    expect(onTheSpotRefusal("organisation", "fine", 3001, false)?.reason).toBe("inspector.penalty.refusal.cap.organisation");
  });

  it("wants an amount above zero for a fine", () => {
    expect(onTheSpotRefusal("citizen", "fine", null, false)?.reason).toBe("inspector.penalty.refusal.fineAmount");
    expect(onTheSpotRefusal("citizen", "fine", 0, false)?.reason).toBe("inspector.penalty.refusal.fineAmount");
  });

  it("collects cash on the spot only up to 100 CNY", () => {
    expect(onTheSpotRefusal("organisation", "fine", 100, true)).toBeNull();
    expect(onTheSpotRefusal("organisation", "fine", 150, true)).toEqual({
      field: "collected_on_spot",
      reason: "inspector.penalty.refusal.cash",
      values: { cap: 100 },
    });
    expect(onTheSpotRefusal("organisation", "fine", 150, false)).toBeNull();
  });

  it("refuses any other penalty on the spot, and follows the service's settings when given", () => {
    expect(onTheSpotRefusal("organisation", "confiscation", null, false)?.field).toBe("penalty.kind");
    const limits = { citizenFineMax: 50, organisationFineMax: 1000, cashMax: 20 };
    expect(onTheSpotRefusal("citizen", "fine", 60, false, limits)?.values).toEqual({ cap: 50 });
  });
});

const household = (code: string, status: string, deadline: string | null, assignedAt: string, more = {}) => ({
  credit_code: code,
  name: `店 ${code}`,
  operator_name: "王某",
  address: { text: `示范区营门口路 ${code} 号` },
  status,
  claim_deadline: deadline,
  assigned_at: assignedAt,
  claimed_at: null,
  ...more,
});

describe("my households", () => {
  const list = [
    household("C1", "claimed", "2026-12-01", "2026-11-27T01:00:00Z", { claimed_at: "2026-11-28T01:00:00Z" }),
    household("A2", "assigned", "2026-12-09", "2026-12-06T01:00:00Z"),
    household("A3", "assigned", "2026-12-09", "2026-12-06T02:00:00Z"),
    household("A1", "assigned", "2026-12-04", "2026-12-01T01:00:00Z"),
    household("C2", "claimed", "2026-12-03", "2026-11-30T01:00:00Z", { claimed_at: "2026-12-01T01:00:00Z" }),
  ];

  it("puts those to claim first, nearest deadline first, the newest first on the same day", () => {
    expect(inInspectorOrder(list).map((h) => h.credit_code)).toEqual(["A1", "A3", "A2", "C2", "C1"]);
  });

  it("filters by state and by what was typed", () => {
    expect(filtered(list, "claimed", "").map((h) => h.credit_code)).toEqual(["C2", "C1"]);
    expect(filtered(list, "all", " a3 ").map((h) => h.credit_code)).toEqual(["A3"]);
    expect(matchesSearch(list[0]!, "营门口")).toBe(true);
    expect(matchesSearch(list[0]!, "王某")).toBe(true);
    expect(matchesSearch(list[0]!, "银杏")).toBe(false);
  });

  it("counts the claims overdue or due by tomorrow", () => {
    expect(claimsPressing(list, "2026-12-08")).toBe(3);
    expect(claimsPressing(list, "2026-12-03")).toBe(1);
  });
});

describe("the inspection's times", () => {
  const now = new Date("2026-12-06T10:00:00Z");

  it("wants both times, the end not before the start, and no start in the future", () => {
    expect(timesProblem("2026-12-06T08:00", "2026-12-06T09:00", now)).toBeNull();
    expect(timesProblem("2026-12-06T09:00", "2026-12-06T08:00", now)).toBe("inspector.inspection.rule.order");
    expect(timesProblem("", "2026-12-06T08:00", now)).toBe("inspector.inspection.rule.times");
    expect(timesProblem("2026-12-07T09:00", "2026-12-07T10:00", now)).toBe("inspector.inspection.rule.future");
  });

  it("sends a local time as an instant", () => {
    expect(instantOf("2026-12-06T08:30")).toBe(new Date("2026-12-06T08:30").toISOString());
    expect(instantOf("not a time")).toBeNull();
  });
});

describe("the supervision file", () => {
  it("reads each kind of entry", () => {
    expect(describeEntry({ kind: "licence", event: "issued", name: "王记" })).toEqual({
      id: "inspector.file.licence.issued",
      values: { name: "王记" },
    });
    expect(
      describeEntry({ kind: "assignment", grid_id: "510106001001001", owner: "inspector01", agent: null, claim_deadline: "2026-12-09", routed_by: "point" }).id,
    ).toBe("inspector.file.assignment");
    expect(describeEntry({ kind: "assignment", owner: "inspector01", agent: "inspector02" }).id).toBe("inspector.file.assignmentAgent");
    expect(describeEntry({ kind: "claim", for: "inspector02" })).toEqual({ id: "inspector.file.claimFor", values: { for: "inspector02" } });
    expect(describeEntry({ kind: "inspection", findings: "证照齐全", actions: ["宣传", "提醒"] }).values).toEqual({
      findings: "证照齐全",
      actions: "宣传、提醒",
    });
    expect(describeEntry({ kind: "penalty", penalty_kinds: ["fine"], fine_amount: "150.00", legal_basis: "某条" }).id).toBe(
      "inspector.file.penaltyFine",
    );
    expect(describeEntry({ kind: "something_new" })).toEqual({ id: "inspector.file.other", values: { kind: "something_new" } });
  });

  it("finds the photos an entry cites", () => {
    expect(entryAttachments({ attachments: ["sha256:ab", "x", 3] })).toEqual(["sha256:ab"]);
    expect(entryAttachments({})).toEqual([]);
  });
});
