import { expect, test } from "./console";
import { ON_THE_SPOT_LIMITS } from "../src/roles/inspector/rules";
import { bureauToday, caseSourceArrived, declineCaseSource } from "./enforcement-api";
import { householdsOf, householdWhen, licenceFor, PHOTO } from "./inspector-api";

// inspector01 owns grid 510106001001001 of office-01: lon 104.00–104.03, lat 30.72–30.75
// (deploy/demo/district.json). A point well inside it is routed there by its coordinates.
const GRID = { west: 104.0, south: 30.72, east: 104.03, north: 30.75 };

function insideTheGrid() {
  const lon = GRID.west + 0.005 + Math.random() * (GRID.east - GRID.west - 0.01);
  const lat = GRID.south + 0.005 + Math.random() * (GRID.north - GRID.south - 0.01);
  return { lon: Number(lon.toFixed(6)), lat: Number(lat.toFixed(6)) };
}

const unread = (label: string | null) => Number(/\((\d+)\)/.exec(label ?? "")?.[1] ?? 0);

test("a new household reaches its inspector live, is claimed, and gets an inspection with a photo", async ({
  page,
  console,
  request,
}) => {
  // A long journey (six screens checked with axe) on a shared two-core machine.
  test.slow();
  const { text } = console;
  await console.signIn(page, "inspector01");
  await expect(page).toHaveURL(/\/inspector\/households$/);
  await expect(page.getByRole("heading", { name: text("inspector.households.title") })).toBeVisible();
  await expect(page.locator(".district-map path.district-map-grid").first()).toBeVisible();
  await expect(page.getByRole("row").nth(1)).toBeVisible();
  await console.accessible(page);
  const bell = page.getByTestId("bell");
  const before = unread(await bell.getAttribute("aria-label"));

  // The window licenses a shop inside the grid while the inspector's screen is open.
  const name = `示范区营门口巡查便利店 ${console.lang} ${Date.now()}`;
  const point = insideTheGrid();
  const code = await licenceFor(request, name, { text: "示范区营门口路 66 号", community_code: "510106001001", ...point });
  // Supervision assigns it from the bus; from then on the screen has 2 seconds to show it.
  const household = await householdWhen(request, "inspector01", code, (h) => h.status === "assigned");
  expect(household.owner).toBe("inspector01");
  const row = page.getByRole("row").filter({ hasText: name });
  await expect(row).toBeVisible({ timeout: 2_000 });
  await expect(page.locator(`.district-map path.point-${code}`)).toBeVisible({ timeout: 2_000 });
  await expect(row.locator("[data-deadline]")).toBeVisible();
  await expect
    .poll(async () => unread(await bell.getAttribute("aria-label")), { timeout: 2_000 })
    .toBeGreaterThan(before);
  // The toast names the new household (its wording is the bell's: src/notifications/describe.ts).
  await expect(page.locator(".ant-notification-notice").filter({ hasText: code })).toBeVisible();
  await console.screenshot(page, "inspector-main-1440");

  // Claim it with the bulk action (one selected).
  await row.getByRole("checkbox").check();
  await page.getByRole("button", { name: text("inspector.claim.selected", { count: 1 }) }).click();
  await expect(page.getByText(text("inspector.claim.done", { count: 1 }))).toBeVisible();
  // Claimed, it leaves those to claim; the latest claimed come first among the claimed.
  await page.locator(".ant-segmented").getByText(text("inspector.filter.claimed"), { exact: true }).click();
  await expect(page).toHaveURL(/status=claimed/);
  await expect(row.getByText(text("inspector.status.claimed"))).toBeVisible();
  expect((await householdWhen(request, "inspector01", code, (h) => h.status === "claimed")).claimed_by).toBe("inspector01");

  // Its supervision file: the licence, the assignment and the claim.
  await row.getByRole("link", { name, exact: true }).click();
  await expect(page.getByRole("heading", { name, level: 1 })).toBeVisible();
  await expect(page.getByTestId("household-status")).toHaveText(text("inspector.status.claimed"));
  const file = page.getByTestId("supervision-file");
  await expect(file.locator('[data-kind="licence"]')).toBeVisible();
  await expect(file.locator('[data-kind="assignment"]')).toBeVisible();
  await expect(file.locator('[data-kind="claim"]')).toBeVisible();
  await console.accessible(page);

  // An inspection with a photo from the phone's camera.
  await page.getByRole("main").getByRole("link", { name: text("inspector.inspection.new") }).click();
  await expect(page.getByRole("heading", { name: text("inspector.inspection.title", { name }) })).toBeVisible();
  const input = page.getByTestId("evidence-input");
  await expect(input).toHaveAttribute("accept", "image/*");
  await expect(input).toHaveAttribute("capture", "environment");
  await input.setInputFiles({ name: "shopfront.png", mimeType: "image/png", buffer: PHOTO });
  await expect(page.getByTestId("uploaded")).toHaveText("shopfront.png");
  const findings = `证照齐全，亮照经营 ${Date.now()}`;
  await page.getByLabel(text("inspector.inspection.findings")).fill(findings);
  await console.accessible(page);
  await page.getByRole("button", { name: text("inspector.inspection.submit") }).click();

  await expect(page.getByRole("heading", { name, level: 1 })).toBeVisible();
  const inspection = file.locator('[data-kind="inspection"]');
  await expect(inspection).toContainText(findings);
  await inspection.getByTestId("attachment").click();
  await expect(page.getByRole("img", { name: text("inspector.file.photoOf", { n: 1 }) })).toBeVisible();
  await page.keyboard.press("Escape");

  // The on-the-spot penalty form explains the limits and refuses what lies beyond them.
  await page.getByRole("main").getByRole("link", { name: text("inspector.penalty.new") }).click();
  await expect(page.getByTestId("penalty-limits")).toContainText(text("inspector.penalty.limitCitizen", { cap: 200 }));
  await page.getByText(text("inspector.party.citizen"), { exact: true }).click();
  await page.getByText(text("inspector.penaltyKind.fine"), { exact: true }).click();
  await page.getByLabel(text("inspector.penalty.amount", { cap: 200 })).fill("300");
  await expect(page.getByRole("status").filter({ hasText: text("inspector.penalty.refusal.cap.citizen", { cap: 200 }) })).toBeVisible();
  await expect(page.getByRole("button", { name: text("inspector.penalty.submit") })).toBeDisabled();
  await console.accessible(page);

  // The main screen on a phone: list and map stacked, nothing wider than the screen.
  await page.setViewportSize({ width: 375, height: 812 });
  await page.goto("/inspector/households?status=claimed");
  await expect(page.getByRole("row").filter({ hasText: name })).toBeVisible();
  await expect(page.getByTestId("district-map")).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
  await console.accessible(page);
  await console.screenshot(page, "inspector-main-375");
});

test("an inspector fines on the spot in cash, records the bank hand-over, and follows a transfer to enforcement's answer", async ({
  page,
  console,
  request,
}) => {
  test.slow();
  const { text } = console;
  const dialog = page.getByRole("dialog");
  await console.signIn(page, "inspector01");

  // A fine of 50 CNY collected in cash from a citizen.
  const party = `摊主 ${console.lang} ${Date.now()}`;
  await page.goto("/inspector/penalties/new");
  await page.getByText(text("inspector.party.citizen"), { exact: true }).click();
  await page.getByLabel(text("inspector.penalty.partyName")).fill(party);
  await page.getByLabel(text("inspector.penalty.idNumber")).fill("11010519491231002X");
  await page.getByText(text("inspector.penaltyKind.fine"), { exact: true }).click();
  await page.getByLabel(text("inspector.penalty.amount", { cap: ON_THE_SPOT_LIMITS.citizenFineMax })).fill("50");
  await page.getByLabel(text("inspector.penalty.cash", { cap: ON_THE_SPOT_LIMITS.cashMax })).check();
  await page.getByLabel(text("inspector.penalty.facts")).fill("占道经营，经劝阻拒不改正");
  await page.getByLabel(text("inspector.penalty.legalBasis")).fill("《城市市容和环境卫生管理条例》第三十六条");
  await page.getByRole("button", { name: text("inspector.penalty.submit") }).click();

  // Among my penalties it shows the day the cash reaches the bank by, and takes the hand-over.
  await expect(page).toHaveURL(/\/inspector\/penalties$/);
  const row = page.getByRole("row").filter({ hasText: party });
  await expect(row.getByTestId("cash-handover-due")).toBeVisible();
  await console.accessible(page);
  await row.getByRole("button", { name: text("inspector.penalties.handover") }).click();
  await expect(dialog.getByLabel(text("inspector.penalties.handedOverOn"))).toHaveValue(bureauToday());
  const receipt = `NB${Date.now()}`;
  await dialog.getByLabel(text("inspector.penalties.receipt")).fill(receipt);
  await console.accessible(page);
  await dialog.getByRole("button", { name: text("shell.submit"), exact: true }).click();
  await expect(dialog).toBeHidden();
  await expect(row.getByTestId("cash-handed-over")).toHaveText(
    text("inspector.penalties.handedOver", { date: bureauToday(), receipt }),
  );

  // A case source about one of my households, found yesterday; a day after today is refused first.
  const [household] = await householdsOf(request, "inspector01");
  expect(household).toBeDefined();
  await page.goto(`/inspector/case-transfers/new?credit_code=${household!.credit_code}`);
  const allegation = `超范围经营 ${console.lang} ${Date.now()}`;
  await page.getByLabel(text("inspector.transfer.allegation")).fill(allegation);
  await page.getByLabel(text("transfers.discoveredOn")).fill(bureauToday(1));
  await page.getByRole("button", { name: text("inspector.transfer.submit") }).click();
  await expect(page.getByText(text("transfers.rule.future"))).toBeVisible();
  await page.getByLabel(text("transfers.discoveredOn")).fill(bureauToday(-1));
  await console.accessible(page);
  await page.getByRole("button", { name: text("inspector.transfer.submit") }).click();
  await expect(page.getByTestId("discovered-on")).toHaveText(bureauToday(-1));
  const sourceId = (await page.getByTestId("case-source-id").textContent())!;

  // My transfers list it, waiting for enforcement's verification.
  await page.getByRole("link", { name: text("transfers.title") }).first().click();
  await expect(page.getByRole("heading", { name: text("transfers.title") })).toBeVisible();
  const transferRow = page.getByTestId("case-transfers").getByRole("row").filter({ hasText: allegation });
  await expect(transferRow).toContainText(text("transfers.outcome.transferred"));
  await expect(transferRow).toContainText(bureauToday(-1));
  await console.accessible(page);

  // Enforcement declines it; its reasons come back to the office (通报备案).
  await caseSourceArrived(request, "officer11", sourceId);
  await declineCaseSource(request, "officer11", sourceId, ["证据不足"]);
  await expect(async () => {
    await page.reload();
    await expect(transferRow).toContainText(text("transfers.outcome.not_filed", { reasons: "证据不足" }), { timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
  await console.screenshot(page, "inspector-transfers-1440");
});
