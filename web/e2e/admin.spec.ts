import * as OTPAuth from "otpauth";
import type { Page } from "@playwright/test";

import { expect as expectNow, test, type Console } from "./console";

// The machine the journeys run on may be shared and slow: a first render of a long table can
// take more than the default 10 s there. What is waited for stays what a person sees.
const expect = expectNow.configure({ timeout: 30_000 });

/** Sign in as someone the admin made (their password is not the demo one); a fresh page load. */
async function signInWith(page: Page, console: Console, username: string, password: string, code?: () => string) {
  const { text } = console;
  await page.goto(`/sign-in?lang=${console.lang}`);
  await page.getByLabel(text("shell.signIn.username")).fill(username);
  await page.getByLabel(text("shell.signIn.password")).fill(password);
  await page.getByRole("button", { name: text("shell.signIn.submit") }).click();
  if (code) {
    // The gateway asks for the second factor: the code field appears, then the code is made.
    const field = page.getByLabel(text("shell.signIn.totp"));
    await expect(field).toBeVisible();
    await field.fill(code());
    await page.getByRole("button", { name: text("shell.signIn.submit") }).click();
  }
}

async function signOut(page: Page, console: Console) {
  await page.getByRole("button", { name: console.text("shell.signOut") }).click();
  await expect(page.getByRole("button", { name: console.text("shell.signIn.submit") })).toBeVisible();
}

async function openMenu(page: Page, console: Console, label: string, heading: string) {
  await page.getByRole("navigation").getByRole("link", { name: console.text(label) }).click();
  await expect(page.getByRole("heading", { level: 1, name: console.text(heading) })).toBeVisible();
}

test("the admin gives a new clerk an account and an authenticator, the clerk signs in with it, then is deactivated", async ({
  page,
  console,
}) => {
  // Three sign-ins and every administration screen: longer than one screen's journey.
  test.setTimeout(360_000);
  const { text } = console;
  const username = `qa${Date.now()}`;
  const password = `Window-${Math.random().toString(36).slice(2, 8)}7`;
  const name = `质检员 ${console.lang} ${username.slice(-5)}`;

  // The demo's admin signs in with the demo district's authenticator (console.signIn).
  await console.signIn(page, "admin");
  await expect(page).toHaveURL(/\/admin\/users$/);
  await expect(page.getByRole("heading", { level: 1, name: text("admin.users.title") })).toBeVisible();
  await expect(page.getByRole("link", { name: "clerk01", exact: true })).toBeVisible();
  await console.accessible(page);
  await console.screenshot(page, "admin-main-1440");

  // A new person: username, a first password, the clerk's role and the registration window.
  await page.getByRole("button", { name: text("admin.users.new") }).click();
  await expect(page.getByRole("heading", { level: 1, name: text("admin.users.new") })).toBeVisible();
  await page.getByLabel(text("admin.field.username"), { exact: true }).fill(username);
  // The form refuses a password containing the username before anything is sent.
  await page.getByLabel(text("admin.field.password"), { exact: true }).fill(`${username}-X1`);
  await expect(page.getByText(text("admin.rule.password.username"), { exact: true })).toBeVisible();
  await page.getByLabel(text("admin.field.password"), { exact: true }).fill(password);
  await page.getByLabel(text("admin.field.name"), { exact: true }).fill(name);
  await page.getByLabel(text("admin.field.roles"), { exact: true }).fill(text("shell.role.licensing_clerk"));
  await page.keyboard.press("Enter");
  await page.keyboard.press("Escape");
  await page.getByLabel(text("admin.field.office"), { exact: true }).fill("registration");
  await page.keyboard.press("Escape");
  await console.accessible(page);
  await page.getByRole("button", { name: text("admin.users.create") }).click();

  // Their screen: no authenticator yet, so no code is asked of them.
  await expect(page).toHaveURL(new RegExp(`/admin/users/${username}$`));
  await expect(page.getByRole("heading", { level: 1, name: `${name} (${username})` })).toBeVisible();
  await expect(page.getByTestId("second-factor").first()).toHaveText(text("admin.secondFactor.off"));
  await console.accessible(page);

  // Enrolling the authenticator makes a code required at each sign-in: the QR code and the
  // secret are shown this once.
  await page.getByRole("button", { name: text("admin.totp.enrol") }).click();
  await expect(page.getByRole("img", { name: text("admin.totp.qrAlt", { username }) })).toBeVisible();
  const secret = (await page.getByTestId("totp-secret").innerText()).replace(/\s+/g, "");
  expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
  await expect(page.getByTestId("second-factor").first()).toHaveText(text("admin.secondFactor.enrolled"));
  await console.accessible(page);

  // The list keeps its filter in the address: to the person and back, it is still applied.
  await page.getByRole("link", { name: text("admin.users.back") }).click();
  await page.getByLabel(text("admin.users.search")).fill(username);
  await expect(page).toHaveURL(new RegExp(`[?&]q=${username}`));
  await expect(page.getByRole("link", { name: "clerk01", exact: true })).toHaveCount(0);
  const row = page.getByRole("row").filter({ has: page.getByRole("link", { name: username }) });
  await expect(row.getByTestId("second-factor")).toHaveText(text("admin.secondFactor.enrolled"));
  await expect(row.getByTestId("user-status")).toHaveText(text("admin.users.status.active"));
  await row.getByRole("link", { name: username }).click();
  await page.getByRole("link", { name: text("admin.users.back") }).click();
  await expect(page).toHaveURL(new RegExp(`[?&]q=${username}`));
  await expect(page.getByLabel(text("admin.users.search"))).toHaveValue(username);
  await expect(page.getByRole("link", { name: username })).toBeVisible();

  // Every other administration screen, as the admin reads it.
  await openMenu(page, console, "admin.menu.roles", "admin.roles.title");
  await expect(page.getByRole("switch", { name: text("admin.roles.switch", { role: text("shell.role.licensing_clerk") }) })).toBeVisible();
  // Counted from the gateway's list filtered by the role: the demo's two clerks at least.
  const clerks = page.getByRole("row").filter({ hasText: text("shell.role.licensing_clerk") });
  await expect(clerks.getByRole("link").first()).toHaveText(/^([2-9]|[1-9][0-9]+)\+?$/);
  await console.accessible(page);
  await openMenu(page, console, "admin.menu.offices", "admin.offices.title");
  await expect(page.getByRole("cell", { name: "office-01", exact: true })).toBeVisible();
  // Its inspector and its head at least, counted from the gateway's list filtered by the office.
  const office = page.getByRole("row").filter({ has: page.getByRole("cell", { name: "office-01", exact: true }) });
  await expect(office.getByRole("link")).toHaveText(/^([2-9]|[1-9][0-9]+)\+?$/);
  await console.accessible(page);
  await openMenu(page, console, "admin.menu.clients", "admin.clients.title");
  await expect(page.getByRole("cell", { name: "health", exact: true }).first()).toBeVisible();
  await console.accessible(page);
  await openMenu(page, console, "admin.menu.keys", "admin.keys.title");
  await console.accessible(page);
  await openMenu(page, console, "admin.menu.signing", "admin.signing.title");
  await expect(page.getByText(text("admin.signing.state.signing"), { exact: true })).toBeVisible();
  await console.accessible(page);
  await openMenu(page, console, "admin.menu.hosts", "admin.hosts.title");
  await console.accessible(page);
  await signOut(page, console);

  // The new clerk: password, then the code their authenticator shows, and they are at the window.
  const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) });
  await signInWith(page, console, username, password, () => totp.generate());
  await expect(page.getByRole("heading", { level: 1, name: text("licensing.queue.title") })).toBeVisible();
  await expect(page).toHaveURL(/\/licensing\/queue/);
  await expect(page.getByText(name)).toBeVisible();
  await signOut(page, console);

  // The admin deactivates the account ...
  await console.signIn(page, "admin");
  await page.getByLabel(text("admin.users.search")).fill(username);
  await page.getByRole("link", { name: username }).click();
  await page.getByRole("button", { name: text("admin.user.deactivate") }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText(text("admin.user.deactivateConfirm", { name }));
  await console.accessible(page);
  await dialog.getByRole("button", { name: text("admin.user.deactivate") }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId("user-status").first()).toHaveText(text("admin.users.status.inactive"));
  await expect(page.getByRole("button", { name: text("admin.user.deactivate") })).toBeDisabled();
  await signOut(page, console);

  // ... and signing in is refused, code or not.
  await signInWith(page, console, username, password);
  await expect(page.getByRole("alert")).toContainText("Wrong username or password");
  await expect(page.getByRole("button", { name: text("shell.signOut") })).toHaveCount(0);
});

test("the admin issues an Open311 key shown once, revokes it, and allows then disallows a webhook host", async ({
  page,
  console,
}) => {
  test.setTimeout(240_000);
  const { text } = console;
  const stamp = `${Date.now()}`;
  await console.signIn(page, "admin");

  await openMenu(page, console, "admin.menu.keys", "admin.keys.title");
  const keyName = `qa-${console.lang.toLowerCase()}-${stamp}`;
  await page.getByLabel(text("admin.keys.name"), { exact: true }).fill(keyName);
  await page.getByRole("button", { name: text("admin.keys.issue") }).click();
  await expect(page.getByText(text("admin.keys.issued", { name: keyName }))).toBeVisible();
  await expect(page.getByTestId("issued-key")).toHaveText(/.{20,}/);
  await console.accessible(page);
  await page.getByRole("button", { name: text("admin.keys.revokeOne", { name: keyName }) }).click();
  await page.getByRole("dialog").getByRole("button", { name: text("admin.keys.revoke") }).click();
  await expect(page.getByRole("button", { name: text("admin.keys.revokeOne", { name: keyName }) })).toHaveCount(0);
  // Revoked keys are kept on their own filter, which the address holds.
  await page.getByText(text("admin.keys.status.revoked"), { exact: true }).click();
  await expect(page).toHaveURL(/status=revoked/);
  await expect(page.getByRole("cell", { name: keyName, exact: true })).toBeVisible();

  await openMenu(page, console, "admin.menu.hosts", "admin.hosts.title");
  const host = `qa${stamp}.hooks.example.gov.cn`;
  await page.getByLabel(text("admin.clients.agency"), { exact: true }).fill("health");
  // Chosen once the list shows it: Enter before the search has filtered it chooses nothing.
  await page.locator(".ant-select-dropdown:visible .ant-select-item-option", { hasText: /^health$/ }).click();
  // A URL is not a host: the form says so before anything is sent.
  await page.getByLabel(text("admin.hosts.host"), { exact: true }).fill(`https://${host}/push`);
  await page.getByRole("button", { name: text("admin.hosts.allow") }).click();
  await expect(page.getByText(text("admin.rule.host"))).toBeVisible();
  await page.getByLabel(text("admin.hosts.host"), { exact: true }).fill(host);
  await page.getByRole("button", { name: text("admin.hosts.allow") }).click();
  await expect(page.getByRole("cell", { name: host, exact: true })).toBeVisible();
  await console.accessible(page);
  await page.getByRole("button", { name: text("admin.hosts.disallowOne", { host, agency: "health" }) }).click();
  await page.getByRole("dialog").getByRole("button", { name: text("admin.hosts.disallow") }).click();
  await expect(page.getByRole("cell", { name: host, exact: true })).toHaveCount(0);
});
