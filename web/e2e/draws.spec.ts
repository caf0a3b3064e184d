import { expect, test } from "./console";
import { householdsOf } from "./inspector-api";

test("an office head plans a random inspection, commits a draw, reveals it and sees the selection and the seed", async ({
  page,
  console,
  request,
}) => {
  const { text } = console;
  // office-01's register: the demo licences reach supervision by the bus after the platform
  // starts; a draw needs at least one open household.
  await expect
    .poll(async () => (await householdsOf(request, "head01")).filter((h) => ["assigned", "claimed"].includes(h.status)).length, {
      message: "an open household of office-01 to draw",
      timeout: 90_000,
    })
    .toBeGreaterThan(0);

  await console.signIn(page, "head01");
  await page.getByRole("link", { name: text("office.menu.random") }).click();
  await expect(page.getByRole("heading", { name: text("office.random.title"), level: 1 })).toBeVisible();
  const title = `双随机抽查 ${Date.now()}`;
  const form = page.getByTestId("random-plan-form");
  await form.getByLabel(text("office.random.planTitle"), { exact: true }).fill(title);
  const pool = form.getByRole("combobox", { name: text("office.random.pool") });
  // inspector01 owns office-01's grid and is never drawn for its households: standby01 goes.
  for (const username of ["inspector01", "standby01"]) {
    await pool.fill(username);
    await pool.press("Enter");
  }
  await form.getByLabel(text("office.random.perHousehold"), { exact: true }).fill("1");
  await form.getByRole("button", { name: text("office.random.create") }).click();

  await expect(page.getByRole("heading", { name: title, level: 1 })).toBeVisible();
  await page.getByTestId("draw-commit").click();
  const draws = page.getByTestId("random-draws");
  await expect(draws.getByText(text("office.status.committed"))).toBeVisible();
  await expect(draws.getByTestId("draw-seed")).toHaveText(text("office.random.seedSecret"));
  await expect(draws.getByText(/^[0-9a-f]{64}$/).first()).toBeVisible(); // the commitment
  await console.accessible(page);

  await page.getByTestId("draw-reveal").click();
  await expect(draws.getByText(text("office.status.drawn"))).toBeVisible();
  await expect(draws.getByTestId("draw-seed")).toHaveText(/[0-9a-f]{64}/);
  const selection = page.getByTestId("random-selection");
  await expect(selection.getByRole("row").nth(1)).toContainText("standby01");
  await expect(page.getByText(/python -m services\.supervision draw verify/)).toBeVisible();
  await console.accessible(page);

  await page.getByRole("link", { name: text("office.random.back") }).click();
  await expect(page.getByTestId("random-plans").getByRole("row").filter({ hasText: title })).toContainText(
    text("office.status.drawn"),
  );
});
