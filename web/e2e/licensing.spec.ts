import { approveAsPartner } from "./partner";
import { expect, test } from "./console";
import { bureauToday, caseSourceArrived, decideCaseSource } from "./enforcement-api";

test("a clerk licenses a catering business with the health partner's approval and transfers a case source about it", async ({
  page,
  console,
  request,
}) => {
  // The licence, then its case source followed through enforcement's decision.
  test.slow();
  const { text } = console;
  await console.signIn(page, "clerk01");
  // Signed in: the access token is in memory only, the refresh token in the tab's session.
  expect(await page.evaluate(() => ({ ...localStorage }))).toEqual({});
  expect(Object.keys(await page.evaluate(() => ({ ...sessionStorage }))).sort()).toEqual(["shijian.lang", "shijian.refresh"]);
  await expect(page.getByRole("heading", { name: text("licensing.queue.title") })).toBeVisible();
  await console.accessible(page);
  await console.screenshot(page, "licensing-queue-1440");

  await page.getByRole("link", { name: text("licensing.menu.new") }).first().click();
  const name = `示范区面馆 ${console.lang} ${Date.now()}`;
  await page.getByLabel(text("licensing.field.name"), { exact: true }).fill(name);
  await page.getByLabel(text("licensing.field.operator"), { exact: true }).fill("王某");
  await page.getByLabel(text("licensing.field.idNumber"), { exact: true }).fill("11010519491231002X");
  await page.getByLabel(text("licensing.field.address"), { exact: true }).fill("示范区营门口路 18 号");
  await page.getByLabel(text("licensing.field.community"), { exact: true }).fill("510106001001");
  await page.getByLabel(text("licensing.field.scope"), { exact: true }).fill("Catering");
  await page.keyboard.press("Enter");
  await page.keyboard.press("Escape");
  await expect(page.getByRole("listbox")).toBeHidden();
  await expect(page.getByText(text("licensing.new.partners", { agencies: text("licensing.agency.health") }))).toBeVisible();
  // Nothing ticked yet: the missing materials show before anything is sent.
  await expect(page.getByText(text("licensing.new.missing"))).toBeVisible();
  await console.accessible(page);
  for (const box of await page.getByRole("checkbox").all()) await box.check();
  await expect(page.getByText(text("licensing.new.complete"))).toBeVisible();
  await page.getByRole("button", { name: text("licensing.new.submit") }).click();

  await expect(page.getByTestId("application-status")).toHaveText(text("licensing.status.submitted"));
  await page.getByRole("button", { name: text("licensing.step.accept") }).click();
  await expect(page.getByTestId("application-status")).toHaveText(text("licensing.status.accepted"));
  await page.getByRole("button", { name: text("licensing.step.approve") }).click();
  await expect(page.getByTestId("application-status")).toHaveText(text("licensing.status.awaiting_partners"));
  await expect(page.getByTestId("partner-status")).toHaveText(text("licensing.partnerStatus.pending"));
  await console.accessible(page);

  // The health commission decides through its own client, as a partner system does.
  const applicationId = page.url().split("/").pop();
  await approveAsPartner(request, "health", applicationId!);
  await expect(page.getByTestId("application-status")).toHaveText(text("licensing.status.issued"));
  await expect(page.getByTestId("partner-status")).toHaveText(text("licensing.partnerStatus.approved"));
  await console.accessible(page);

  await page.getByRole("link", { name: /^[0-9A-Z]{18}$/ }).click();
  await expect(page.getByTestId("credit-code")).toHaveText(/^[0-9A-Z]{18}$/);
  await expect(page.getByText(name)).toBeVisible();
  await console.accessible(page);
  const creditCode = (await page.getByTestId("credit-code").textContent())!;

  // Among every issued application (more than a page of them) the service finds it by name.
  await page.getByRole("link", { name: text("licensing.menu.queue") }).click();
  await expect(page.getByRole("heading", { name: text("licensing.queue.title") })).toBeVisible();
  await page.getByText(text("licensing.status.issued"), { exact: true }).click();
  await expect(page.getByRole("button", { name: text("shell.more") })).toBeVisible();
  await page.getByLabel(text("licensing.queue.search")).fill(name);
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/status=issued&q=/);
  await expect(page.getByRole("link", { name, exact: true })).toBeVisible();
  await expect(page.getByRole("row")).toHaveCount(2);
  await expect(page.getByRole("button", { name: text("shell.more") })).toBeHidden();
  await console.accessible(page);

  // The window finds the licence rests on forged signatures, found yesterday: a case source for enforcement.
  await page.getByRole("link", { name: text("licensing.menu.transfers") }).click();
  await expect(page.getByRole("heading", { name: text("transfers.new") })).toBeVisible();
  const allegation = `申请材料签名系伪造 ${console.lang} ${Date.now()}`;
  await page.getByLabel(text("transfers.creditCode")).fill(creditCode);
  await page.getByLabel(text("transfers.allegation")).fill(allegation);
  await page.getByLabel(text("transfers.discoveredOn")).fill(bureauToday(-1));
  await console.accessible(page);
  await page.getByRole("button", { name: text("licensing.transfers.submit") }).click();
  const transferRow = page.getByTestId("case-transfers").getByRole("row").filter({ hasText: allegation });
  await expect(transferRow).toContainText(text("transfers.outcome.transferred"));
  await expect(transferRow).toContainText(bureauToday(-1));
  await console.screenshot(page, "licensing-transfers-1440");

  // Enforcement files it and fines the business 2,000 CNY: the window's list says so (通报备案).
  const sourceId = await transferRow.getAttribute("data-row-key");
  await caseSourceArrived(request, "officer11", sourceId!);
  await decideCaseSource(request, "officer11", sourceId!);
  await expect(async () => {
    await page.reload();
    await expect(transferRow.locator('[data-outcome="decided"]')).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
  await expect(transferRow).toContainText("2,000.00");
  await console.accessible(page);
});

test("a wrong password is refused with the gateway's reason, and nothing is stored", async ({ page, console }) => {
  const { text } = console;
  await page.goto(`/sign-in?lang=${console.lang}`);
  await page.getByLabel(text("shell.signIn.username")).fill(`nobody${Date.now()}`);
  await page.getByLabel(text("shell.signIn.password")).fill("not-the-password");
  await page.getByRole("button", { name: text("shell.signIn.submit") }).click();
  await expect(page.getByRole("alert")).toContainText("Wrong username or password");
  expect(await page.evaluate(() => ({ ...localStorage }))).toEqual({});
  await console.accessible(page);
});

test("a clerk onboards a market's register in bulk, and a second upload doubles nothing", async ({ page, console }) => {
  const { text } = console;
  const stamp = `${console.lang}-${Date.now()}`;
  const lines = [1, 2, 3].map(
    (stall) =>
      `示范市场 ${stamp} ${stall} 号摊,individual_business,摊主${stall},11010519491231002X,示范区农贸市场 ${stall} 号,510106001001,,,retail_general,application_form;operator_id;premises_proof`,
  );
  const register = {
    name: "register.csv",
    mimeType: "text/csv",
    buffer: Buffer.from(
      ["name,entity_type,operator_name,operator_id_number,address,community_code,lon,lat,business_scope,materials", ...lines, "坏行,individual_business,某,1,地址,1,east,,,"].join("\n"),
    ),
  };
  await console.signIn(page, "clerk02");
  await page.getByRole("link", { name: text("licensing.menu.register") }).click();
  await page.getByLabel(text("licensing.register.file")).setInputFiles(register);
  await expect(page.getByText(text("licensing.register.parsed", { rows: 3, refused: 1 }))).toBeVisible();
  await page.getByRole("button", { name: text("licensing.register.upload") }).click();
  await expect(page.getByRole("progressbar")).toContainText("3 / 3");
  await expect(page.getByText(text("licensing.register.outcome.created"))).toHaveCount(3);
  await console.accessible(page);

  await page.getByLabel(text("licensing.register.file")).setInputFiles(register);
  await page.getByRole("button", { name: text("licensing.register.upload") }).click();
  await expect(page.getByText(text("licensing.register.outcome.existing"))).toHaveCount(3);
  await expect(page.getByText(text("licensing.register.outcome.created"))).toHaveCount(0);
});

test("a clerk saves the queue's filter and comes back to it", async ({ page, console }) => {
  const { text } = console;
  await console.signIn(page, "clerk01");
  await page.getByText(text("licensing.status.awaiting_partners")).click();
  await expect(page).toHaveURL(/status=awaiting_partners/);
  await page.getByLabel(text("licensing.queue.channel")).click();
  await page.getByTitle(text("licensing.channel.window"), { exact: true }).click();
  await expect(page).toHaveURL(/status=awaiting_partners&channel=window/);
  const name = `联审 ${Date.now()}`;
  await page.getByRole("button", { name: text("shell.filters.save") }).click();
  await page.getByLabel(text("shell.filters.name")).fill(name);
  await page.getByRole("button", { name: text("shell.save"), exact: true }).click();

  await page.getByText(text("licensing.status.issued")).click();
  await expect(page).toHaveURL(/status=issued/);
  await page.getByLabel(text("shell.filters.saved")).click();
  await page.getByTitle(name).click();
  await expect(page).toHaveURL(/status=awaiting_partners&channel=window/);
  await expect(page.getByRole("button", { name: text("shell.filters.forget", { name }) })).toBeVisible();
  await console.accessible(page);
});
