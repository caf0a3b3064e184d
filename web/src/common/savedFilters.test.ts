import { describe, expect, it } from "vitest";

import { forgetFilter, saveFilter, savedFilters } from "./savedFilters";

const memory = () => {
  const items = new Map<string, string>();
  return { getItem: (k: string) => items.get(k) ?? null, setItem: (k: string, v: string) => void items.set(k, v) };
};

describe("saved filters", () => {
  it("keeps named queries per screen, newest first, one per name", () => {
    const store = memory();
    saveFilter(store, "queue", "待受理", "?status=submitted");
    saveFilter(store, "queue", "联审", "status=awaiting_partners");
    saveFilter(store, "queue", "待受理 ", "status=returned");
    expect(savedFilters(store, "queue")).toEqual([
      { name: "待受理", query: "status=returned" },
      { name: "联审", query: "status=awaiting_partners" },
    ]);
    expect(savedFilters(store, "tickets")).toEqual([]);
    expect(forgetFilter(store, "queue", "联审")).toEqual([{ name: "待受理", query: "status=returned" }]);
  });

  it("forgets a damaged entry instead of failing", () => {
    const store = memory();
    store.setItem("shijian.filters.queue", "{not json");
    expect(savedFilters(store, "queue")).toEqual([]);
    store.setItem("shijian.filters.queue", JSON.stringify([{ name: 1 }, { name: "a", query: "b" }]));
    expect(savedFilters(store, "queue")).toEqual([{ name: "a", query: "b" }]);
  });
});
