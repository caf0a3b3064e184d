import { describe, expect, it } from "vitest";

import { causeIndex, factsOf, parseCheckpoint, parseEntry, trailOf } from "./rules";

const NOTE = `shijian.local/qms/audit
562
69+6UHR5u6mnarjRT6xs9VRQwhigKnM26zWN7R807aQ=

\u2014 shijian.local/qms/audit nnZVH33taI8agORXlvQnaevTXs4F+kUsbLPx
\u2014 witness.local DJVsVgAAAABrFLTldtVxsS4BWDsMqUdBUiv5
`;

describe("a checkpoint", () => {
  it("gives its log, size and root, and the witnesses that cosigned it", () => {
    expect(parseCheckpoint(NOTE)).toEqual({
      origin: "shijian.local/qms/audit",
      size: 562,
      root: "69+6UHR5u6mnarjRT6xs9VRQwhigKnM26zWN7R807aQ=",
      signatures: [
        { name: "shijian.local/qms/audit", signature: "nnZVH33taI8agORXlvQnaevTXs4F+kUsbLPx" },
        { name: "witness.local", signature: "DJVsVgAAAABrFLTldtVxsS4BWDsMqUdBUiv5" },
      ],
      witnesses: ["witness.local"],
    });
  });

  it("signed by the log alone is not witnessed; text that is not a checkpoint is refused", () => {
    expect(parseCheckpoint(NOTE.split("\n").slice(0, 5).join("\n") + "\n")?.witnesses).toEqual([]);
    expect(parseCheckpoint("not a checkpoint")).toBeNull();
    expect(parseCheckpoint("origin\nten\nroot\n\n")).toBeNull();
  });
});

const event = (id: string, type: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ id, type, source: `/services/${type.split(".")[0]}`, subject: "925101060000027270", time: "2026-12-06T01:04:05Z", ...extra });

describe("a trail", () => {
  it("reads each entry's event, service and cause, oldest first by the log's order", () => {
    const trail = trailOf([
      { leaf_index: 9, entry: event("b", "supervision.household.assigned", { causationid: "a", data: { owner: "inspector01" } }) },
      { leaf_index: 4, entry: event("a", "licensing.licence.issued") },
      { leaf_index: 7, entry: "not json" },
    ]);
    expect(trail.map((item) => [item.index, item.type, item.service])).toEqual([
      [4, "licensing.licence.issued", "licensing"],
      [9, "supervision.household.assigned", "supervision"],
    ]);
    expect(causeIndex(trail[1]!, trail)).toBe(4);
    expect(causeIndex(trail[0]!, trail)).toBeNull();
    expect(trail[0]!.raw).toBe(event("a", "licensing.licence.issued"));
  });

  it("keeps an event's plain particulars, an address's text and lists, never nested records", () => {
    expect(
      factsOf({
        credit_code: "925101060000027270",
        same_day: true,
        address: { text: "示范区营门口路 18 号", location: null },
        business_scope: ["餐饮服务 Catering"],
        finding_id: null,
        nested: { a: 1 },
      }),
    ).toEqual([
      ["credit_code", "925101060000027270"],
      ["same_day", "true"],
      ["address", "示范区营门口路 18 号"],
      ["business_scope", "餐饮服务 Catering"],
    ]);
    expect(parseEntry(1, JSON.stringify({ id: "x" }))).toBeNull();
  });
});
