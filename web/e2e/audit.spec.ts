import { expect, test } from "./console";
import { licensedBusiness, staffHeaders } from "./quality-platform";

test("the auditor follows a licensed business's trail across the services, and reads without acting", async ({ page, console, request }) => {
  test.setTimeout(240_000);
  const { text } = console;
  const creditCode = await licensedBusiness(request, `示范区杂货店 ${console.lang} ${Date.now()}`);
  // A nonconformity about it, raised by the quality office, for the auditor to read.
  const raised = await request.post("/api/qms/nonconformities", {
    headers: await staffHeaders(request, "quality01"),
    data: { subject: creditCode, description: "发照后未按时核对经营场所照片", basis_code: "QP-01" },
  });
  expect(raised.status(), await raised.text()).toBe(201);
  const nonconformityId: string = (await raised.json()).id;

  await console.signIn(page, "auditor01");
  await expect(page.getByRole("heading", { level: 1, name: text("audit.trail.title") })).toBeVisible();
  await page.getByLabel(text("audit.trail.subject")).fill(creditCode);
  await page.getByRole("button", { name: text("audit.trail.show") }).click();
  // Supervision assigns the household on the licensing event: it reaches the log a moment later.
  const events = page.getByTestId("trail-event");
  await expect(async () => {
    await page.getByRole("button", { name: text("shell.refresh") }).click();
    await expect(events.and(page.locator('[data-type="supervision.household.assigned"]'))).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 60_000 });
  const order = await events.evaluateAll((items) => items.map((item) => item.getAttribute("data-type")));
  expect(order.indexOf("licensing.licence.issued")).toBeGreaterThanOrEqual(0);
  expect(order.indexOf("licensing.licence.issued")).toBeLessThan(order.indexOf("supervision.household.assigned"));
  await expect(page.getByText(text("audit.event.licensing.licence.issued"), { exact: true })).toBeVisible();
  await expect(page.getByText(text("audit.event.supervision.household.assigned"), { exact: true })).toBeVisible();
  await expect(page.getByTestId("verify-status")).toHaveText(text("audit.verify.ok"));
  await console.accessible(page);
  await console.screenshot(page, "audit-main-1440");

  // The quality office's screens, read-only: no action anywhere.
  await page.getByRole("link", { name: text("quality.menu.nonconformities") }).click();
  await expect(page.getByRole("heading", { level: 1, name: text("quality.nc.title") })).toBeVisible();
  await expect(page.getByRole("button", { name: text("quality.nc.raise") })).toHaveCount(0);
  await expect(page.getByRole("checkbox")).toHaveCount(0);
  await console.accessible(page);
  await page.goto(`/quality/nonconformities/${nonconformityId}`);
  await expect(page.getByTestId("nc-status")).toHaveText(text("quality.ncStatus.open"));
  await expect(page.getByTestId("nc-subject")).toHaveText(creditCode);
  await expect(page.getByRole("button")).not.toContainText([text("quality.nc.plan")]);
  await expect(page.getByRole("button", { name: text("quality.nc.plan") })).toHaveCount(0);
  await expect(page.getByLabel(text("quality.action.description"))).toHaveCount(0);
  await console.accessible(page);

  await page.getByRole("link", { name: text("quality.menu.documents") }).click();
  await expect(page.getByRole("heading", { level: 1, name: text("quality.docs.title") })).toBeVisible();
  await expect(page.getByRole("button", { name: text("quality.docs.write") })).toHaveCount(0);
  await page.getByRole("link", { name: text("quality.menu.audits") }).click();
  await expect(page.getByRole("heading", { level: 1, name: text("quality.audits.title") })).toBeVisible();
  await expect(page.getByRole("button", { name: text("quality.audits.plan") })).toHaveCount(0);
  await console.accessible(page);
});
