import { describe, expect, it } from "vitest";

import { formPath } from "./problems";

describe("formPath", () => {
  it("names the form field a problem's body, query or path location points at", () => {
    expect(formPath("body.operator.id_number")).toEqual(["operator", "id_number"]);
    expect(formPath("body.reasons.0")).toEqual(["reasons", 0]);
    expect(formPath("query.status")).toEqual(["status"]);
    expect(formPath("path.host")).toEqual(["host"]);
    expect(formPath("name")).toEqual(["name"]);
  });
});
