// What the 12315 journeys need from other roles, made through the gateway's API: a licensed
// business that supervision has placed in an office's grid, and tickets taken by API.
import { expect, type APIRequestContext } from "@playwright/test";

export async function staffHeaders(request: APIRequestContext, username: string): Promise<Record<string, string>> {
  const token = await request.post("/auth/token", {
    form: { grant_type: "password", username, password: `demo-${username}` },
  });
  expect(token.ok(), await token.text()).toBeTruthy();
  return { Authorization: `Bearer ${(await token.json()).access_token}` };
}

/** Where a business lies: a point inside one office's grid and that grid's community code. */
export interface Premises {
  text: string;
  community_code: string;
  lon: number;
  lat: number;
}

/**
 * An individual business licensed by clerk01 (submitted, accepted, approved), and known to
 * the complaints service as its grid's office's (supervision assigns it by event): the
 * routing preview names that office by the business's grid before this returns.
 */
export async function licensedBusiness(request: APIRequestContext, name: string, premises: Premises): Promise<string> {
  const clerk = await staffHeaders(request, "clerk01");
  const applications = "/api/licensing/applications";
  const created = await request.post(applications, {
    headers: { ...clerk, "Idempotency-Key": crypto.randomUUID() },
    data: {
      kind: "establishment",
      entity_type: "individual_business",
      name,
      operator: { name: "李某", id_number: "11010519491231002X" },
      address: premises,
      business_scope: ["retail_general"],
      materials: ["application_form", "operator_id", "premises_proof"],
      channel: "window",
    },
  });
  expect(created.status(), await created.text()).toBe(201);
  const { id } = await created.json();
  const accepted = await request.post(`${applications}/${id}/accept`, { headers: clerk });
  expect(accepted.ok(), await accepted.text()).toBeTruthy();
  const approved = await request.post(`${applications}/${id}/approve`, { headers: clerk });
  expect(approved.ok(), await approved.text()).toBeTruthy();
  const creditCode: string = (await approved.json()).credit_code;
  expect(creditCode).toMatch(/^[0-9A-Z]{18}$/);

  const handler = await staffHeaders(request, "handler01");
  await expect
    .poll(
      async () => {
        const preview = await request.post("/api/complaints/routing:preview", {
          headers: handler,
          data: {
            channel: "phone",
            kinds: ["complaint"],
            submitter: { name: "预览" },
            description: "预览",
            business: { credit_code: creditCode },
          },
        });
        return (await preview.json()).rule;
      },
      { timeout: 20_000 },
    )
    .toBe("business_grid");
  return creditCode;
}

/** A phone complaint about a business taken through the API; its ticket's id. */
export async function phoneComplaint(request: APIRequestContext, creditCode: string, name: string): Promise<string> {
  const handler = await staffHeaders(request, "handler01");
  const taken = await request.post("/api/complaints/submissions", {
    headers: { ...handler, "Idempotency-Key": crypto.randomUUID() },
    data: {
      channel: "phone",
      kinds: ["complaint"],
      submitter: { name: "张三", phone: "13800000000" },
      description: "买到的商品与宣传不符",
      business: { credit_code: creditCode, name },
    },
  });
  expect(taken.status(), await taken.text()).toBe(201);
  return (await taken.json()).tickets[0].id;
}
