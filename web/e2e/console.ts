// What every journey needs: the project's language, its catalogue, signing in as a demo
// person, the accessibility check and the screenshots kept as artefacts.
import AxeBuilder from "@axe-core/playwright";
import { expect, test as base, type Page } from "@playwright/test";

import type { Language } from "../src/i18n/catalogue";
import { MESSAGES } from "../src/i18n/messages";
import { demoCode, SECOND_FACTOR } from "./totp";

const artefacts = process.env.PLAYWRIGHT_ARTEFACTS ?? "test-results";

export interface Console {
  lang: Language;
  /** The catalogue's text for `key` in the project's language, placeholders filled. */
  text: (key: string, values?: Record<string, string | number>) => string;
  /** Signs a demo person in; admin, auditor01 and quality01 with a code of the demo authenticator. */
  signIn: (page: Page, username: string) => Promise<void>;
  /** Fails on any serious or critical axe violation on the screen as it is now. */
  accessible: (page: Page) => Promise<void>;
  screenshot: (page: Page, name: string) => Promise<void>;
}

export const test = base.extend<{ console: Console }>({
  console: async ({}, use, info) => {
    const lang = (info.project.metadata.lang ?? "zh-CN") as Language;
    const text = (key: string, values: Record<string, string | number> = {}) => {
      const template = MESSAGES[lang][key];
      if (template === undefined) throw new Error(`no message ${key}`);
      return template.replace(/\{(\w+)\}/g, (_, name: string) => String(values[name] ?? `{${name}}`));
    };
    await use({
      lang,
      text,
      async signIn(page, username) {
        await page.goto(`/sign-in?lang=${lang}`);
        await page.getByLabel(text("shell.signIn.username")).fill(username);
        await page.getByLabel(text("shell.signIn.password")).fill(`demo-${username}`);
        await page.getByRole("button", { name: text("shell.signIn.submit") }).click();
        if (SECOND_FACTOR.has(username)) {
          // The gateway asks for the second factor: the code field appears, then the code is made.
          const code = page.getByLabel(text("shell.signIn.totp"));
          await expect(code).toBeVisible();
          await code.fill(await demoCode(username));
          await page.getByRole("button", { name: text("shell.signIn.submit") }).click();
        }
        await expect(page.getByRole("button", { name: text("shell.signOut") })).toBeVisible();
      },
      async accessible(page) {
        // A dropdown left open by the last keystroke is not the screen's state: close it first
        // (Ant Design's open listboxes carry no name of their own).
        await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
        await page.mouse.move(0, 0);
        await expect(page.getByRole("listbox")).toHaveCount(0);
        const results = await new AxeBuilder({ page }).analyze();
        const grave = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
        expect(
          grave.map(
            (v) =>
              `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}; first: ${v.nodes[0]?.failureSummary ?? ""}`,
          ),
        ).toEqual([]);
      },
      async screenshot(page, name) {
        await page.screenshot({ path: `${artefacts}/screenshots/${lang}/${name}.png`, fullPage: true });
      },
    });
  },
});

export { expect };
