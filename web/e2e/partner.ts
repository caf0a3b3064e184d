// A partner agency's system, as the gateway sees it: client credentials, then its decision.
import { expect, type APIRequestContext } from "@playwright/test";

export async function approveAsPartner(request: APIRequestContext, agency: string, applicationId: string) {
  const token = await request.post("/auth/token", {
    form: { grant_type: "client_credentials", client_id: agency, client_secret: `demo-${agency}` },
  });
  expect(token.ok()).toBeTruthy();
  const headers = { Authorization: `Bearer ${(await token.json()).access_token}` };
  // The request reaches the partner by event: wait until it is listed.
  let requestId: string | undefined;
  await expect
    .poll(async () => {
      const pending = await request.get("/api/licensing/partner/requests?status=pending", { headers });
      const found = (await pending.json()).requests?.find(
        (r: { application_id: string }) => r.application_id === applicationId,
      );
      requestId = found?.id;
      return requestId;
    })
    .toBeTruthy();
  const decision = await request.post(`/api/licensing/partner/requests/${requestId}/decision`, {
    headers: { ...headers, "Idempotency-Key": crypto.randomUUID() },
    data: { decision: "approved", permit_number: `卫食证 ${Date.now()}` },
  });
  expect(decision.ok()).toBeTruthy();
}
