import { describe, expect, it } from "vitest";

import { queueFiltersFrom, searchOf } from "./queue";

describe("the window queue's filters", () => {
  it("reads the filters from the address, the status 'submitted' unless chosen", () => {
    expect(queueFiltersFrom(new URLSearchParams(""))).toEqual({ status: "submitted" });
    expect(queueFiltersFrom(new URLSearchParams("status=issued&channel=mobile&kind=change&q=%20%E9%9D%A2%E9%A6%86%20"))).toEqual({
      status: "issued",
      channel: "mobile",
      kind: "change",
      q: "面馆",
    });
  });

  it("drops what the service would refuse", () => {
    const search = new URLSearchParams({ status: "lost", channel: "fax", kind: "merger", q: "名".repeat(101) });
    expect(queueFiltersFrom(search)).toEqual({ status: "submitted" });
    expect(queueFiltersFrom(new URLSearchParams("q=%20%20"))).toEqual({ status: "submitted" });
  });

  it("puts back in the address only the filters chosen, so a saved filter reads the same", () => {
    const filters = { status: "accepted" as const, channel: undefined, kind: "establishment" as const, q: "" };
    expect(searchOf(filters)).toEqual({ status: "accepted", kind: "establishment" });
    expect(queueFiltersFrom(new URLSearchParams(searchOf({ status: "returned", q: "9151" })))).toEqual({ status: "returned", q: "9151" });
  });
});
