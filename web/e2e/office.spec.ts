import { expect, test } from "./console";
import { householdsOf, householdWhen, moved, type Household } from "./inspector-api";

// office-01's one grid, owned by inspector01 (deploy/demo/district.json).
const GRID = "510106001001001";
const GRID_NAME = "营门口网格";

/** Days of a delegation no earlier run has used, and later than any of theirs: the list shows
 * the latest start first, so this one leads it. */
function unusedDays(): { start: string; end: string } {
  const tenMinutes = Math.floor((Date.now() - Date.UTC(2026, 11, 1)) / 600_000);
  const start = new Date(Date.UTC(2030, 0, 1) + tenMinutes * 86_400_000);
  const end = new Date(start.getTime() + 2 * 86_400_000);
  return { start: start.toISOString().slice(0, 10), end: end.toISOString().slice(0, 10) };
}

function addressOf(household: Household) {
  const address = household.address as { text: string; community_code: string; location?: { lon: number; lat: number } | null };
  return { text: address.text, community_code: address.community_code, lon: address.location?.lon, lat: address.location?.lat };
}

test("an office head assigns an unrouted household by hand, names a position agent and sees the office's grids", async ({
  page,
  console,
  request,
}) => {
  const { text } = console;
  // The unrouted queue holds the office's households in no grid. A licence from the window
  // carries the registration office, which is no supervision office, so a new one outside every
  // grid lands in nobody's queue; a demo business of office-01 (issued by the office) moving
  // to an address outside every grid and community does land in office-01's queue.
  // The demo licences reach supervision by the bus after the platform starts: wait for them.
  let business: Awaited<ReturnType<typeof householdsOf>>[number] | undefined;
  await expect
    .poll(
      async () => {
        const demo = (await householdsOf(request, "head01")).filter(
          (h) => h.entity_type === "individual_business" && h.status === "assigned" && h.routed_by === "point" && /^\S+\d$/.test(h.name ?? ""),
        );
        business = demo.at(-1);
        return business?.credit_code;
      },
      { message: "a demo business of office-01 to move", timeout: 90_000 },
    )
    .toBeTruthy();
  const code = business!.credit_code;
  const name = business!.name ?? code;
  await moved(request, business!, { text: `示范区外迁临时摊点 ${Date.now()}`, community_code: "510106009009" });
  try {
    await householdWhen(request, "head01", code, (h) => h.status === "unrouted" && h.office_id === "office-01");

    await console.signIn(page, "head01");
    await expect(page).toHaveURL(/\/office\/unrouted$/);
    await expect(page.getByRole("heading", { name: text("office.unrouted.title") })).toBeVisible();
    const row = page.getByRole("row").filter({ hasText: name });
    await expect(row).toBeVisible();
    // The office has one grid: it is already chosen.
    await expect(page.getByTestId("assign-grid")).toContainText(GRID_NAME);
    await expect(page.locator(`.district-map path.grid-${GRID}`)).toBeVisible();
    await console.accessible(page);
    await console.screenshot(page, "office-main-1440");

    await row.getByRole("checkbox").check();
    await page.getByRole("button", { name: text("office.assign.selected", { count: 1 }) }).click();
    await expect(page.getByText(text("office.assign.done", { count: 1 }))).toBeVisible();
    await expect(row).toHaveCount(0);
    const assigned = await householdWhen(request, "inspector01", code, (h) => h.status === "assigned");
    expect([assigned.grid_id, assigned.owner, assigned.routed_by]).toEqual([GRID, "inspector01", "hand"]);

    // A position agent for inspector01 while they are away.
    await page.getByRole("link", { name: text("office.menu.delegations") }).click();
    await expect(page.getByRole("heading", { name: text("office.delegations.title"), level: 1 })).toBeVisible();
    const days = unusedDays();
    await page.getByLabel(text("office.delegation.officer"), { exact: true }).fill("inspector01");
    await page.getByLabel(text("office.delegation.agent"), { exact: true }).fill("standby01");
    await page.keyboard.press("Escape");
    await page.getByLabel(text("office.delegation.start"), { exact: true }).fill(days.start);
    await page.getByLabel(text("office.delegation.end"), { exact: true }).fill(days.end);
    await page.getByRole("button", { name: text("office.delegation.submit") }).click();
    const delegation = page.getByRole("row").filter({ hasText: days.start }).filter({ hasText: "standby01" });
    await expect(delegation.first()).toBeVisible();
    await expect(delegation.first()).toContainText(days.end);
    await expect(delegation.first()).toContainText(text("office.delegationState.upcoming"));
    await console.accessible(page);

    // The office's grids on the map, and its figures.
    await page.getByRole("link", { name: text("office.menu.overview") }).click();
    await expect(page.getByRole("heading", { level: 1 })).toContainText("东城市场监管所");
    await expect(page.locator(`.district-map path.grid-${GRID}`)).toBeVisible();
    await expect(page.locator(`.district-map path.point-${code}`)).toHaveCount(0); // it has no point now
    await expect(page.getByRole("row").filter({ hasText: GRID_NAME })).toContainText("inspector01");
    await expect(page.getByTestId("figure-total")).toBeVisible();
    await console.accessible(page);
  } finally {
    // The business moves back, so the demo data stays as it was (routed by its point again).
    await moved(request, business!, addressOf(business!));
  }
});
