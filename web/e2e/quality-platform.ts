// What the quality and audit journeys need from other roles, made through the gateway's API as
// those people would: a complaint recorded late, a business licensed at the window.
import { expect, type APIRequestContext } from "@playwright/test";

import { demoCode, SECOND_FACTOR } from "./totp";

export async function staffHeaders(request: APIRequestContext, username: string) {
  const form: Record<string, string> = { grant_type: "password", username, password: `demo-${username}` };
  if (SECOND_FACTOR.has(username)) form.totp = await demoCode(username);
  const token = await request.post("/auth/token", { form });
  expect(token.ok()).toBeTruthy();
  return { Authorization: `Bearer ${(await token.json()).access_token}` };
}

/** Today, or `days` from today, in the bureau's time zone (YYYY-MM-DD). */
export function bureauDay(days = 0): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(new Date(Date.now() + days * 86_400_000));
}

/**
 * A complaint taken by phone 30 days ago and recorded only now (`received_at` is when it was
 * received: the legal clocks run from then), then accepted by the 12315 desk. Its 7-working-day
 * accept limit ran out long ago: complaints publishes `complaints.deadline.missed` in the accept's
 * own transaction (its deadline watch would within DEADLINE_CHECK_SECONDS too), and qms opens a
 * nonconformity from it. Returns the ticket's id, the nonconformity's subject.
 */
export async function lateComplaint(request: APIRequestContext, label: string): Promise<string> {
  const headers = await staffHeaders(request, "handler01");
  const received = new Date(Date.now() - 30 * 86_400_000).toISOString();
  const submitted = await request.post("/api/complaints/submissions", {
    headers: { ...headers, "Idempotency-Key": crypto.randomUUID() },
    data: {
      channel: "phone",
      kinds: ["complaint"],
      submitter: { name: "赵女士", phone: "13800138000" },
      description: `电话投诉：预付卡门店关门无法退款（${label} ${Date.now()}）`,
      received_at: received,
    },
  });
  expect(submitted.status(), await submitted.text()).toBe(201);
  const ticketId: string = (await submitted.json()).tickets[0].id;
  const accepted = await request.post(`/api/complaints/tickets/${ticketId}/accept`, { headers });
  expect(accepted.ok(), await accepted.text()).toBeTruthy();
  return ticketId;
}

/** A retail business licensed at the window by clerk01 (no partner needed): its credit code. */
export async function licensedBusiness(request: APIRequestContext, name: string): Promise<string> {
  const headers = await staffHeaders(request, "clerk01");
  const submitted = await request.post("/api/licensing/applications", {
    headers: { ...headers, "Idempotency-Key": crypto.randomUUID() },
    data: {
      kind: "establishment",
      entity_type: "individual_business",
      name,
      operator: { name: "刘某", id_number: "11010519491231002X" },
      address: { text: "示范区营门口路 20 号", community_code: "510106001001" },
      business_scope: ["retail_general"],
      channel: "window",
      materials: ["application_form", "operator_id", "premises_proof"],
    },
  });
  expect(submitted.status(), await submitted.text()).toBe(201);
  const id: string = (await submitted.json()).id;
  for (const step of ["accept", "approve"]) {
    const done = await request.post(`/api/licensing/applications/${id}/${step}`, { headers });
    expect(done.ok(), await done.text()).toBeTruthy();
  }
  const application = await (await request.get(`/api/licensing/applications/${id}`, { headers })).json();
  expect(application.status).toBe("issued");
  return application.credit_code as string;
}
