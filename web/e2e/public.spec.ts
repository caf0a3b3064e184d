// The public's pages work with JavaScript turned off: a citizen complains, gets a number, and
// tracks it; the tracking page never shows who submitted. (They are the gateway's own pages,
// with their text in gateway/public/text.py.)
import { expect, test } from "./console";

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("a citizen complains on the 12315 form and tracks the request", async ({ page, console }) => {
    await page.goto(`/public/12315?lang=${console.lang}`);
    await expect(page.locator("html")).toHaveAttribute("lang", console.lang);
    await page.locator("#service_code").selectOption("complaint");
    await page.locator("#description").fill("示范区某超市出售过期牛奶，要求退款。");
    await page.locator("#last_name").fill("欧阳明月");
    await page.locator("#phone").fill("13712345678");
    await page.locator("button[type=submit]").click();

    const number = page.locator("[data-request-id]");
    await expect(number).toHaveCount(1);
    const requestId = await number.getAttribute("data-request-id");
    await number.click();
    await expect(page.locator(".number")).toHaveText(requestId!);
    await expect(page.getByTestId("status")).toBeVisible();
    const shown = await page.content();
    expect(shown).not.toContain("欧阳明月");
    expect(shown).not.toContain("13712345678");
  });

  test("the publicity list opens", async ({ page, console }) => {
    await page.goto(`/public/publicity?lang=${console.lang}`);
    await expect(page.locator("h1")).toBeVisible();
  });
});

test("the public pages have no serious accessibility violation", async ({ page, console }) => {
  for (const path of ["/public/12315", "/public/12315/track", "/public/publicity"]) {
    await page.goto(`${path}?lang=${console.lang}`);
    await console.accessible(page);
  }
  await console.screenshot(page, "public-publicity-1440");
  await page.goto(`/public/12315?lang=${console.lang}`);
  await console.screenshot(page, "public-12315-1440");
});
