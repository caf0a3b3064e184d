// What the supervision journeys need other roles to have done, through the gateway's API: a
// clerk licensing a business (or moving one), and the household as supervision sees it.
import { expect, type APIRequestContext, type APIResponse } from "@playwright/test";

import type { components } from "../src/api/schema";

export type Household = components["schemas"]["supervision__HouseholdOut"];
type Address = components["schemas"]["licensing__AddressIn"];

const tokens = new Map<string, { headers: Record<string, string>; until: number }>();

/** A demo person's bearer header (kept for a few minutes: sign-ins are rate limited). */
export async function staff(request: APIRequestContext, username: string): Promise<Record<string, string>> {
  const kept = tokens.get(username);
  if (kept && kept.until > Date.now()) return kept.headers;
  const answer = await request.post("/auth/token", {
    form: { grant_type: "password", username, password: `demo-${username}` },
  });
  expect(answer.ok(), await answer.text()).toBeTruthy();
  const headers = { Authorization: `Bearer ${(await answer.json()).access_token}` };
  tokens.set(username, { headers, until: Date.now() + 4 * 60_000 });
  return headers;
}

/** clerk01 takes an application in, accepts and approves it; the credit code of what it issued
 * (an establishment) or changed. */
async function decided(request: APIRequestContext, application: Record<string, unknown>): Promise<string> {
  const headers = await staff(request, "clerk01");
  const created = await request.post("/api/licensing/applications", {
    headers: { ...headers, "Idempotency-Key": crypto.randomUUID() },
    data: application,
  });
  expect(created.status(), await created.text()).toBe(201);
  const { id } = await created.json();
  const accepted = await request.post(`/api/licensing/applications/${id}/accept`, { headers });
  expect(accepted.ok(), await accepted.text()).toBeTruthy();
  const approved = await request.post(`/api/licensing/applications/${id}/approve`, { headers });
  expect(approved.ok(), await approved.text()).toBeTruthy();
  const issued = await approved.json();
  expect(issued.status).toBe("issued");
  return issued.credit_code as string;
}

/** A new individual business (general retail: no partner agency's permit) at this address. */
export function licenceFor(request: APIRequestContext, name: string, address: Address): Promise<string> {
  return decided(request, {
    kind: "establishment",
    entity_type: "individual_business",
    name,
    operator: { name: "李某", id_number: "11010519491231002X" },
    address,
    business_scope: ["retail_general"],
    materials: ["application_form", "operator_id", "premises_proof"],
  });
}

/** A licensed individual business moves: a change of address at the window. */
export async function moved(request: APIRequestContext, household: Household, address: Address): Promise<void> {
  await decided(request, {
    kind: "change",
    entity_type: "individual_business",
    credit_code: household.credit_code,
    operator: { name: household.operator_name ?? "李某", id_number: "11010519491231002X" },
    address,
    materials: ["application_form", "operator_id", "original_licence"],
  });
}

/** The household as `username` sees it once it reads as `wanted` (the bus brings it). */
export async function householdWhen(
  request: APIRequestContext,
  username: string,
  creditCode: string,
  wanted: (household: Household) => boolean,
): Promise<Household> {
  const headers = await staff(request, username);
  let found: Household | undefined;
  await expect
    .poll(
      async () => {
        const answer = await request.get(`/api/supervision/households/${creditCode}`, { headers });
        found = answer.ok() ? ((await answer.json()) as Household) : undefined;
        return found !== undefined && wanted(found);
      },
      { intervals: [100], timeout: 15_000 },
    )
    .toBe(true);
  return found!;
}

/** Every household `username` sees. */
export async function householdsOf(request: APIRequestContext, username: string): Promise<Household[]> {
  const headers = await staff(request, username);
  const found: Household[] = [];
  let cursor: string | null = null;
  do {
    const answer: APIResponse = await request.get("/api/supervision/households", {
      headers,
      params: cursor ? { limit: 500, cursor } : { limit: 500 },
    });
    expect(answer.ok()).toBeTruthy();
    const page = (await answer.json()) as components["schemas"]["supervision__HouseholdList"];
    found.push(...page.households);
    cursor = page.next_cursor;
  } while (cursor);
  return found;
}

/** A 1×1 PNG, as a phone's camera would hand the browser a photo (recognised by its bytes). */
export const PHOTO = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  "base64",
);
