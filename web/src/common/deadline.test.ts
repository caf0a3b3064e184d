import { describe, expect, it } from "vitest";

import { bureauToday, deadlineState } from "./deadline";

describe("deadlineState", () => {
  it.each([
    ["2026-12-01", "overdue", 3],
    ["2026-12-04", "today", 0],
    ["2026-12-07", "soon", 3],
    ["2026-12-08", "later", 4],
  ])("due %s reads %s", (due, kind, days) => {
    expect(deadlineState(due, "2026-12-04")).toEqual({ kind, days });
  });

  it("takes the date part of a timestamp and crosses month ends", () => {
    expect(deadlineState("2027-01-02T10:00:00+08:00", "2026-12-31")).toEqual({ kind: "soon", days: 2 });
  });

  it("counts today in the bureau's time zone, not the browser's", () => {
    // 2026-12-04 17:30 UTC is already 5 December in Beijing.
    expect(bureauToday(new Date("2026-12-04T17:30:00Z"))).toBe("2026-12-05");
  });
});
