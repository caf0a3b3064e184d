// What the enforcement journey needs from the gateway directly: a staff token, a case source
// handed in at the sub-bureau's desk, and a case as the service holds it.
import { expect, type APIRequestContext } from "@playwright/test";

export async function staffHeaders(request: APIRequestContext, username: string): Promise<Record<string, string>> {
  const token = await request.post("/auth/token", {
    form: { grant_type: "password", username, password: `demo-${username}` },
  });
  expect(token.ok()).toBeTruthy();
  return { Authorization: `Bearer ${(await token.json()).access_token}` };
}

export interface HandedIn {
  id: string;
  section: string | null;
  verify_due: string;
}

/** A case source entered by an officer (trademark, advertising or market hand theirs in at the desk). */
export async function handInCaseSource(
  request: APIRequestContext,
  username: string,
  body: { source_department: string; allegation: string; office_id?: string; credit_code?: string },
): Promise<HandedIn> {
  const headers = await staffHeaders(request, username);
  const created = await request.post("/api/enforcement/case-sources", {
    headers: { ...headers, "Idempotency-Key": crypto.randomUUID() },
    data: body,
  });
  expect(created.status()).toBe(201);
  return (await created.json()) as HandedIn;
}

export async function caseAsService(request: APIRequestContext, username: string, caseId: string) {
  const found = await request.get(`/api/enforcement/cases/${caseId}`, { headers: await staffHeaders(request, username) });
  expect(found.ok()).toBeTruthy();
  return (await found.json()) as {
    status: string;
    paid_on: string | null;
    served_on: string | null;
    handlers: string[];
    decision_due: string;
    penalty_notice: { statements: { answer: { accepted: boolean } | null }[] } | null;
  };
}

/** Today in the bureau's time zone (the service's calendar day). */
export const bureauToday = (offsetDays = 0) =>
  new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(new Date(Date.now() + offsetDays * 86_400_000));

/** A case filed from a new case source, its notice delivered, the intended fine notified to the
 * party (who waived its statement in writing, so the decision may come today), the fine decided
 * and the decision served, all by `username`. */
export async function decidedCase(request: APIRequestContext, username: string, allegation: string): Promise<string> {
  const source = await handInCaseSource(request, username, { source_department: "advertising", allegation });
  return decideCaseSource(request, username, source.id);
}

/** The case source `sourceId` filed and taken to a fine of 2,000 CNY, served: its case's id. */
export async function decideCaseSource(request: APIRequestContext, username: string, sourceId: string): Promise<string> {
  const headers = await staffHeaders(request, username);
  const filed = await request.post(`/api/enforcement/case-sources/${sourceId}/file`, {
    headers,
    data: { handlers: ["officer11", "officer12"] },
  });
  expect(filed.status()).toBe(201);
  const caseId = (await filed.json()).case_id as string;
  const step = async (path: string, data: object) => {
    const answer = await request.post(`/api/enforcement/cases/${caseId}/${path}`, { headers, data });
    expect(answer.ok(), `${path}: ${await answer.text()}`).toBeTruthy();
  };
  const penalty = { kind: "fine", amount: "2000" };
  const legal_basis = "《中华人民共和国广告法》第五十八条";
  await step("notice", { delivered_to: "李某", delivered_at: new Date().toISOString(), method: "post" });
  await step("penalty-notice", {
    facts: "发布未经审查的医疗广告",
    legal_basis,
    penalty,
    party_kind: "organisation",
    served_on: bureauToday(),
    served_how: "in_person",
  });
  await step("waiver", { received_on: bureauToday() });
  await step("decision", { penalty, legal_basis });
  await step("service", { served_on: bureauToday(), served_how: "in_person" });
  return caseId;
}

/** Waits until the case source `sourceId` (transferred by another service) reached `username`'s section. */
export async function caseSourceArrived(request: APIRequestContext, username: string, sourceId: string): Promise<void> {
  const headers = await staffHeaders(request, username);
  await expect
    .poll(async () => (await request.get(`/api/enforcement/case-sources/${sourceId}`, { headers })).status(), {
      intervals: [200],
      timeout: 30_000,
    })
    .toBe(200);
}

/** 不予立案 of the case source `sourceId`, with its reasons. */
export async function declineCaseSource(request: APIRequestContext, username: string, sourceId: string, reasons: string[]) {
  const declined = await request.post(`/api/enforcement/case-sources/${sourceId}/decline`, {
    headers: await staffHeaders(request, username),
    data: { reasons },
  });
  expect(declined.ok(), await declined.text()).toBeTruthy();
}
