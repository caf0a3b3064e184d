// A session that runs out mid-form: the sign-in dialog opens over the form, and once signed in
// again the submission goes through with what was typed. The gateway's refusals are stood in
// for once each (an expired access token, a spent refresh token): waiting 15 minutes for a
// real expiry would make the test the slowest of all.
import { expect, test } from "./console";

test("an expired session keeps the form being typed and sends it after signing in again", async ({ page, console }) => {
  const { text } = console;
  await console.signIn(page, "clerk02");
  await page.getByRole("link", { name: text("licensing.menu.new") }).first().click();
  const name = `会话过期测试 ${console.lang} ${Date.now()}`;
  await page.getByLabel(text("licensing.field.name"), { exact: true }).fill(name);
  await page.getByLabel(text("licensing.field.operator"), { exact: true }).fill("李某");
  await page.getByLabel(text("licensing.field.idNumber"), { exact: true }).fill("11010519491231002X");
  await page.getByLabel(text("licensing.field.address"), { exact: true }).fill("示范区营门口路 20 号");
  await page.getByLabel(text("licensing.field.community"), { exact: true }).fill("510106001001");
  await page.getByLabel(text("licensing.field.scope"), { exact: true }).fill("General retail");
  await page.keyboard.press("Enter");
  await page.keyboard.press("Escape");
  await expect(page.getByRole("listbox")).toBeHidden();
  for (const box of await page.getByRole("checkbox").all()) await box.check();

  await page.route("**/api/licensing/applications", (route) =>
    route.fulfill({
      status: 401,
      contentType: "application/problem+json",
      body: JSON.stringify({ type: "/problems/unauthenticated", status: 401, detail: "Token expired" }),
    }),
    { times: 1 },
  );
  await page.route("**/auth/token", (route) =>
    route.fulfill({
      status: 400,
      contentType: "application/problem+json",
      body: JSON.stringify({ error: "invalid_grant", status: 400, detail: "Refresh token spent" }),
    }),
    { times: 1 },
  );
  await page.getByRole("button", { name: text("licensing.new.submit") }).click();

  const dialog = page.getByRole("dialog");
  await expect(dialog.getByText(text("shell.signIn.expired"))).toBeVisible();
  await console.accessible(page);
  await dialog.getByLabel(text("shell.signIn.username")).fill("clerk02");
  await dialog.getByLabel(text("shell.signIn.password")).fill("demo-clerk02");
  await dialog.getByRole("button", { name: text("shell.signIn.submit") }).click();

  await expect(dialog).toBeHidden();
  await expect(page.getByTestId("application-status")).toHaveText(text("licensing.status.submitted"));
  await expect(page.getByRole("heading", { name })).toBeVisible();
});
