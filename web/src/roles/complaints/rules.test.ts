import { describe, expect, it } from "vitest";

import {
  allowedSteps,
  anonymityAllowed,
  atBureauDesk,
  bulkSplit,
  deadlineOutcome,
  filtersFrom,
  locationProblem,
  lookupQuery,
  mayAskReopen,
  nextDeadline,
  parseUnit,
  previewBlocker,
  previewOf,
  searchOf,
  submissionOf,
  type Deadline,
  type IntakeValues,
  type Ticket,
} from "./rules";

const CODE = "92510106MA00000015";

const call: IntakeValues = {
  submitter: { anonymous: false, name: " 欧阳明月 ", phone: "13712345678", id_number: "51010619850615387x" },
  kinds: ["complaint"],
  description: " 买到过期酸奶 ",
  business: { credit_code: CODE.toLowerCase(), name: "示范区西华路副食店" },
  location: {},
};

function ticket(overrides: Partial<Ticket> = {}): Ticket {
  return {
    id: "3f2a1b0c-0000-4000-8000-000000000001",
    kind: "complaint",
    status: "received",
    unit: { level: "office", id: "office-02" },
    owner: "office:office-02",
    routing_rule: "business_grid",
    business: { credit_code: CODE, name: "店" },
    received_at: "2026-12-04T09:00:00+08:00",
    deadlines: [],
    linked: [],
    merged_into: null,
    satisfaction: null,
    reopen_requested: false,
    history: [],
    ...overrides,
  };
}

const deadline = (rule: string, due: string, met_on: string | null = null): Deadline => ({
  rule,
  due,
  met_on,
  start: "2026-12-01",
  basis: "Interim Measures art. 14",
});

describe("the intake draft", () => {
  it("sends what the handler typed, trimmed, the codes in capitals, without an empty location", () => {
    expect(submissionOf(call, "phone")).toEqual({
      channel: "phone",
      kinds: ["complaint"],
      submitter: { anonymous: false, name: "欧阳明月", phone: "13712345678", id_number: "51010619850615387X" },
      description: "买到过期酸奶",
      business: { credit_code: CODE, name: "示范区西华路副食店" },
      location: null,
    });
  });

  it("keeps anonymity only when every kind allows it, and then sends no identity", () => {
    expect(anonymityAllowed(["report", "suggestion"])).toBe(true);
    expect(anonymityAllowed(["report", "complaint"])).toBe(false);
    expect(anonymityAllowed([])).toBe(false);
    const anonymous = { ...call, submitter: { ...call.submitter, anonymous: true } };
    expect(submissionOf({ ...anonymous, kinds: ["report"] }, "phone").submitter).toEqual({ anonymous: true });
    expect(submissionOf(anonymous, "phone").submitter.anonymous).toBe(false);
  });

  it("wants a whole point or a whole address", () => {
    expect(locationProblem({ location: {} })).toBe("none");
    expect(locationProblem({ location: { lon: 104.045 } })).toBe("point");
    expect(locationProblem({ location: { lon: 104.045, lat: 30.735 } })).toBeNull();
    expect(locationProblem({ location: { address: "西华路 8 号" } })).toBe("address");
    expect(locationProblem({ location: { address: "西华路 8 号", community_code: "510106001003" } })).toBeNull();
    expect(submissionOf({ ...call, location: { lon: 104.045, lat: 30.735 } }, "station").location).toEqual({
      address: null,
      community_code: null,
      lon: 104.045,
      lat: 30.735,
    });
  });

  it("asks the routing preview only once the draft can be routed", () => {
    expect(previewBlocker(call)).toBeNull();
    expect(previewBlocker({ ...call, kinds: [] })).toBe("kinds");
    expect(previewBlocker({ ...call, submitter: { name: " " } })).toBe("name");
    expect(previewBlocker({ ...call, submitter: { anonymous: true }, kinds: ["report"] })).toBeNull();
    expect(previewBlocker({ ...call, description: "" })).toBe("description");
    expect(previewBlocker({ ...call, business: { credit_code: "12345" } })).toBe("business");
    // Neither a business nor a place: nothing to route by.
    expect(previewBlocker({ ...call, business: {} })).toBe("location");
    expect(previewBlocker({ ...call, business: {}, location: { lon: 104.045, lat: 30.735 } })).toBeNull();
    expect(previewBlocker({ ...call, location: { lat: 30.735 } })).toBe("location");
  });

  it("never sends the phone or ID number to the routing preview", () => {
    const draft = previewOf(call, "phone");
    expect(draft.submitter).toEqual({ anonymous: false, name: "欧阳明月" });
    expect(JSON.stringify(draft)).not.toContain("13712345678");
  });

  it("looks a business up by credit code when the text is one, else by name", () => {
    expect(lookupQuery(` ${CODE.toLowerCase()} `)).toEqual({ credit_code: CODE });
    expect(lookupQuery("西华路副食")).toEqual({ name: "西华路副食" });
    expect(lookupQuery("  ")).toBeNull();
  });
});

describe("a ticket's steps", () => {
  it("follow a complaint from receipt to follow-up", () => {
    expect(allowedSteps(ticket(), false)).toEqual(["accept", "reject", "handover", "return"]);
    expect(allowedSteps(ticket({ status: "accepted" }), false)).toEqual(["mediation", "handover"]);
    expect(allowedSteps(ticket({ status: "in_mediation" }), false)).toEqual(["mediation", "handover"]);
    expect(allowedSteps(ticket({ status: "settled" }), false)).toEqual(["reply", "handover"]);
    expect(allowedSteps(ticket({ status: "replied" }), false)).toEqual(["close", "handover"]);
    expect(allowedSteps(ticket({ status: "rejected" }), false)).toEqual(["close", "handover"]);
    expect(allowedSteps(ticket({ status: "closed" }), false)).toEqual(["follow-up"]);
    expect(allowedSteps(ticket({ status: "followed_up" }), false)).toEqual([]);
    expect(allowedSteps(ticket({ status: "followed_up", reopen_requested: true }), false)).toEqual(["reopen"]);
    expect(allowedSteps(ticket({ status: "merged" }), false)).toEqual([]);
  });

  it("reply to a report only once enforcement decided whether to file it", () => {
    const report = ticket({ kind: "report", status: "accepted" });
    expect(allowedSteps(report, false)).toEqual(["handover"]);
    const decided = { ...report, history: [{ action: "filing_decided", by: "enforcement", at: "", status: "accepted", details: {} }] };
    expect(allowedSteps(decided, false)).toEqual(["reply", "handover"]);
  });

  it("answer consultations and suggestions without accepting them", () => {
    expect(allowedSteps(ticket({ kind: "consultation" }), false)).toEqual(["reply", "handover", "return"]);
    expect(allowedSteps(ticket({ kind: "suggestion", status: "closed" }), false)).toEqual([]);
  });

  it("let only the bureau's desk route a ticket from intake, and no unit return one there twice", () => {
    const atIntake = ticket({ unit: { level: "bureau", id: "intake" }, owner: "bureau:intake" });
    expect(allowedSteps(atIntake, true)).toEqual(["accept", "reject", "handover", "reassign"]);
    expect(allowedSteps(atIntake, false)).toEqual(["accept", "reject", "handover"]);
  });

  it("know the bureau's desk: a handler of no office or of office complaints", () => {
    expect(atBureauDesk({ roles: ["complaints_handler"], office: "complaints" })).toBe(true);
    expect(atBureauDesk({ roles: ["complaints_handler"], office: null })).toBe(true);
    expect(atBureauDesk({ roles: ["complaints_handler"], office: "office-02" })).toBe(false);
    expect(atBureauDesk({ roles: ["station_staff"], office: "station-01" })).toBe(false);
    expect(atBureauDesk(undefined)).toBe(false);
  });

  it("split a bulk step into the tickets it applies to and those it skips", () => {
    const received = ticket({ id: "a" });
    const replied = ticket({ id: "b", status: "replied" });
    const consultation = ticket({ id: "c", kind: "consultation" });
    expect(bulkSplit("accept", [received, replied, consultation])).toEqual({
      apply: [received],
      skip: [replied, consultation],
    });
    expect(bulkSplit("close", [received, replied]).apply).toEqual([replied]);
    expect(bulkSplit("handover", [received, replied, ticket({ id: "d", status: "closed" })]).apply).toEqual([
      received,
      replied,
    ]);
  });

  it("let only a dissatisfied party ask to reopen", () => {
    expect([1, 2, 3, 5, undefined].map(mayAskReopen)).toEqual([true, true, false, false, false]);
  });
});

describe("a ticket's clocks", () => {
  it("show the soonest running deadline, none once merged", () => {
    const running = ticket({
      deadlines: [
        deadline("complaints.accept", "2026-12-11", "2026-12-05"),
        deadline("complaints.mediation", "2027-02-10"),
        deadline("complaints.mediation_notice", "2026-12-20"),
      ],
    });
    expect(nextDeadline(running)?.rule).toBe("complaints.mediation_notice");
    expect(nextDeadline({ ...running, status: "merged" })).toBeNull();
    expect(nextDeadline(ticket())).toBeNull();
  });

  it("tell a deadline kept in time from one kept late", () => {
    expect(deadlineOutcome(deadline("complaints.accept", "2026-12-11"))).toBe("running");
    expect(deadlineOutcome(deadline("complaints.accept", "2026-12-11", "2026-12-11"))).toBe("kept");
    expect(deadlineOutcome(deadline("complaints.accept", "2026-12-11", "2026-12-14"))).toBe("late");
  });
});

describe("the list's filters", () => {
  it("are read from the address, unknown values dropped", () => {
    const search = new URLSearchParams("unit=office:office-02&status=received&kind=complaint&credit_code=" + CODE.toLowerCase());
    expect(filtersFrom(search)).toEqual({ unit: "office:office-02", status: "received", kind: "complaint", credit_code: CODE });
    expect(filtersFrom(new URLSearchParams("unit=shop:1&status=lost&kind=praise"))).toEqual({});
  });

  it("go back into the address without empty ones", () => {
    expect(searchOf({ unit: "station:station-01", status: undefined, credit_code: "" })).toEqual({ unit: "station:station-01" });
  });

  it("name units as level:id", () => {
    expect(parseUnit("office:office-02")).toEqual({ level: "office", id: "office-02" });
    expect(parseUnit("bureau:intake")).toEqual({ level: "bureau", id: "intake" });
    expect(parseUnit("handler01")).toBeNull();
    expect(parseUnit("office:a:b")).toBeNull();
  });
});
