import { expect, test } from "./console";
import { bureauDay, lateComplaint } from "./quality-platform";

test("the quality manager sees a nonconformity open after a missed deadline", async ({ page, console, request }) => {
  // A long journey on a machine the other consoles' tests share.
  test.setTimeout(300_000);
  const { text } = console;
  // 12315 records a complaint received a month ago and accepts it: its accept limit was missed.
  const ticketId = await lateComplaint(request, console.lang);

  await console.signIn(page, "quality01");
  await expect(page.getByRole("heading", { level: 1, name: text("quality.objectives.title") })).toBeVisible();
  // Every objective's trend is drawn, each chart with its text alternative.
  await expect(page.getByRole("img").first()).toBeVisible();
  expect(await page.getByRole("img").count()).toBeGreaterThanOrEqual(5);
  await expect(page.getByTestId("objectives-summary")).toBeVisible();
  await console.accessible(page);
  await console.screenshot(page, "quality-main-1440");

  // The nonconformity qms opened from complaints.deadline.missed, among the open ones.
  await page.getByRole("link", { name: text("quality.menu.nonconformities") }).click();
  await expect(page.getByRole("heading", { level: 1, name: text("quality.nc.title") })).toBeVisible();
  // qms opens it as it handles the event: look again until it is listed.
  const row = page.getByRole("link", { name: ticketId });
  await expect(async () => {
    await page.getByRole("button", { name: text("shell.refresh") }).click();
    await expect(row).toBeVisible({ timeout: 10_000 });
  }).toPass({ timeout: 90_000 });
  await expect(page.getByTestId(`nc-${ticketId}`)).toContainText(text("quality.ncSource.time_limit_rule"));
  await expect(page.getByTestId(`nc-${ticketId}`)).toContainText("complaints.accept");
  await console.accessible(page);

  await row.click();
  await expect(page.getByTestId("nc-status")).toHaveText(text("quality.ncStatus.open"));
  await expect(page.getByTestId("nc-event-type")).toHaveText("complaints.deadline.missed");
  await console.accessible(page);

  // Plan: a corrective action with its owner and due day.
  await page.getByLabel(text("quality.action.description")).fill("对 12315 受理台补录电话投诉开展培训，当日登记当日受理");
  await page.getByLabel(text("quality.action.owner")).fill("handler01");
  await page.getByLabel(text("quality.action.due")).fill(bureauDay(7));
  await page.getByRole("button", { name: text("quality.nc.plan") }).click();
  await expect(page.getByTestId("nc-status")).toHaveText(text("quality.ncStatus.in_progress"));

  // Do: the action is done.
  await page.getByRole("button", { name: text("quality.action.complete", { number: 1 }) }).click();
  await expect(page.getByTestId("nc-status")).toHaveText(text("quality.ncStatus.awaiting_check"));
  await expect(page.getByTestId("action-done-1")).toContainText("quality01");

  // Check: effective, which closes it.
  await page.getByLabel(text("quality.check.evidence")).fill("抽查培训后一周的电话投诉，均当日登记受理");
  await page.getByRole("button", { name: text("quality.check.submit") }).click();
  await expect(page.getByTestId("nc-status")).toHaveText(text("quality.ncStatus.closed"));
  await console.accessible(page);

  // The monthly report, printable, with its charts.
  await page.getByRole("link", { name: text("quality.menu.monthly") }).click();
  const month = bureauDay().slice(0, 7);
  await expect(
    page.getByRole("heading", { level: 1, name: text("quality.report.heading", { month, where: text("quality.bureau") }) }),
  ).toBeVisible();
  await expect(page.getByRole("cell", { name: text("quality.ncSource.time_limit_rule") })).toBeVisible();
  await expect(page.getByRole("img", { name: new RegExp(text("quality.chart.ncBars", { parts: "" })) })).toBeVisible();
  await expect(page.getByRole("button", { name: text("shell.print") })).toBeVisible();
  await console.accessible(page);

  // The audit log: verified against its checkpoints, the last one witnessed; the ticket's trail.
  await page.getByRole("link", { name: text("quality.menu.auditLog") }).click();
  await expect(page.getByTestId("verify-status")).toHaveText(text("audit.verify.ok"));
  await expect(page.getByTestId("checkpoint-witnessed")).toHaveText(text("audit.checkpoint.yes"));
  await expect(page.getByTestId("checkpoint-size")).toHaveText(/^[0-9]+$/);
  await page.getByLabel(text("audit.trail.subject")).fill(ticketId);
  await page.getByRole("button", { name: text("audit.trail.show") }).click();
  await expect(page.locator('[data-testid="trail-event"][data-type="complaints.deadline.missed"]')).toBeVisible();
  await expect(page.locator('[data-testid="trail-event"][data-type="qms.nonconformity.raised"]')).toBeVisible();
  await console.accessible(page);
});
