import { describe, expect, it } from "vitest";

import { missingMaterials, partnersNeeded } from "./rules";

describe("the application form's rules", () => {
  it("lists the required materials not handed in, in the requirements' order", () => {
    const required = [{ code: "application_form" }, { code: "operator_id" }, { code: "premises_proof" }];
    expect(missingMaterials(required, ["operator_id"])).toEqual(["application_form", "premises_proof"]);
    expect(missingMaterials(required, ["premises_proof", "operator_id", "application_form"])).toEqual([]);
  });

  it("names each partner agency the chosen scope needs once", () => {
    const catalogue = [
      { code: "retail_general", name: "", partner_agency: null },
      { code: "catering", name: "", partner_agency: "health" },
      { code: "hotel", name: "", partner_agency: "health" },
      { code: "gathering_venue", name: "", partner_agency: "fire" },
    ];
    expect(partnersNeeded(catalogue, ["hotel", "catering", "gathering_venue"])).toEqual(["fire", "health"]);
    expect(partnersNeeded(catalogue, ["retail_general"])).toEqual([]);
  });
});
