// The application form's rules that run in the browser, before anything is sent.
import type { components } from "../../api/schema";

type ScopeItem = components["schemas"]["licensing__ScopeItemOut"];

export const KINDS = ["establishment", "change", "cancellation"] as const;
export const ENTITY_TYPES = [
  "individual_business",
  "company",
  "sole_proprietorship",
  "partnership",
  "farmers_cooperative",
  "branch",
] as const;

/** The required materials' codes not yet ticked, in the requirements' order. */
export function missingMaterials(required: { code: string }[], handedIn: string[]): string[] {
  return required.map((material) => material.code).filter((code) => !handedIn.includes(code));
}

/** The partner agencies whose permit the chosen scope needs (joint licensing), each once. */
export function partnersNeeded(catalogue: ScopeItem[], scope: string[]): string[] {
  const agencies = catalogue
    .filter((item) => scope.includes(item.code) && item.partner_agency)
    .map((item) => item.partner_agency as string);
  return [...new Set(agencies)].sort();
}
