import { describe, expect, it } from "vitest";

import type { User } from "./api";
import {
  bureauTime,
  eachOf,
  groupSecret,
  isActive,
  isUnenrolled,
  isWebhookHost,
  keyState,
  newClientSecret,
  officeOptions,
  passwordProblems,
  readUserFilters,
  secondFactor,
  tally,
  tallyText,
  userChanges,
  USERNAME_PATTERN,
  userStatus,
  writeUserFilters,
} from "./rules";

const NOW = new Date("2026-12-06T02:00:00Z");

const person = (username: string, more: Partial<User> = {}): User => ({
  username,
  name: username.toUpperCase(),
  roles: ["licensing_clerk"],
  office: "registration",
  active: true,
  totp_enrolled: false,
  locked_until: null,
  created_at: "2026-12-06T00:00:00Z",
  must_change_password: false,
  ...more,
});

describe("the new person's form", () => {
  it("takes the gateway's usernames", () => {
    expect(USERNAME_PATTERN.test(`qa${Date.now()}`)).toBe(true);
    expect(USERNAME_PATTERN.test("clerk.03")).toBe(true);
    expect(USERNAME_PATTERN.test("Clerk03")).toBe(false);
    expect(USERNAME_PATTERN.test("a")).toBe(false);
    expect(USERNAME_PATTERN.test("3clerk")).toBe(false);
  });

  it("refuses the passwords the gateway refuses, each reason named (the common ones it names)", () => {
    expect(passwordProblems("clerk03", "Window-2026-west")).toEqual([]);
    expect(passwordProblems("clerk03", "Window-2026")).toEqual(["length"]);
    expect(passwordProblems("clerk03", "onlylettersinhere")).toEqual(["classes"]);
    expect(passwordProblems("clerk03", "my-CLERK03-password")).toEqual(["username"]);
    expect(passwordProblems("clerk03", "abc")).toEqual(["length", "classes"]);
    // `_` counts as an "other" character, as on the gateway.
    expect(passwordProblems("x", "west_windows")).toEqual([]);
  });

  it("sends only what changed, an emptied office as none", () => {
    const before = { name: "周登记", roles: ["licensing_clerk", "auditor"], office: "registration" };
    expect(userChanges(before, { name: " 周登记 ", roles: ["auditor", "licensing_clerk"], office: "registration" })).toEqual({});
    expect(userChanges(before, { name: "周二", roles: ["auditor"], office: "" })).toEqual({
      name: "周二",
      roles: ["auditor"],
      office: null,
    });
    expect(userChanges({ ...before, office: null }, { ...before, office: undefined })).toEqual({});
    expect(userChanges({ ...before, office: null }, { ...before, office: "office-02" })).toEqual({ office: "office-02" });
  });
});

describe("a person's standing", () => {
  it("is deactivated, locked until a time still to come, or active", () => {
    expect(userStatus({ active: false, locked_until: "2026-12-06T03:00:00Z" }, NOW)).toBe("inactive");
    expect(userStatus({ active: true, locked_until: "2026-12-06T02:30:00Z" }, NOW)).toBe("locked");
    expect(userStatus({ active: true, locked_until: "2026-12-06T01:30:00Z" }, NOW)).toBe("active");
    expect(userStatus({ active: true, locked_until: null }, NOW)).toBe("active");
  });

  it("needs a code when enrolled or when a role requires one; missing when required and not enrolled", () => {
    const policies = [
      { role: "enforcement_officer", totp_required: true },
      { role: "licensing_clerk", totp_required: false },
    ];
    expect(secondFactor({ roles: ["licensing_clerk"], totp_enrolled: true }, policies)).toBe("enrolled");
    expect(secondFactor({ roles: ["licensing_clerk"], totp_enrolled: false }, policies)).toBe("off");
    expect(secondFactor({ roles: ["licensing_clerk", "enforcement_officer"], totp_enrolled: false }, policies)).toBe("missing");
    expect(secondFactor({ roles: ["enforcement_officer"], totp_enrolled: true }, policies)).toBe("enrolled");
  });

  it("counts the active holders a required second factor would shut out", () => {
    const holders = [person("a"), person("b", { totp_enrolled: true }), person("c", { active: false })];
    expect(tally({ items: holders, next_cursor: null }, isUnenrolled)).toEqual({ count: 1, more: false });
  });
});

describe("the staff list's filters", () => {
  it("read from the address, unknown values falling back to none", () => {
    expect(readUserFilters(new URLSearchParams("q=zhou&role=admin&office=office-01&status=locked"))).toEqual({
      q: "zhou",
      role: "admin",
      office: "office-01",
      status: "locked",
    });
    expect(readUserFilters(new URLSearchParams("role=partner_agency&status=gone"))).toEqual({
      q: "",
      role: undefined,
      office: undefined,
      status: "all",
    });
  });

  it("write back only what is set, so the address stays short", () => {
    expect(writeUserFilters({ q: " ", role: undefined, office: undefined, status: "all" })).toEqual({});
    expect(writeUserFilters({ q: "周", role: "auditor", office: undefined, status: "inactive" })).toEqual({
      q: "周",
      role: "auditor",
      status: "inactive",
    });
  });
});

describe("offices", () => {
  it("suggests the supervision offices first, then the sections the people on screen hold", () => {
    const offices = [{ id: "office-01", name: "东城市场监管所" }];
    expect(officeOptions(offices, ["section-1", "office-01", null, "registration", undefined, "section-1"])).toEqual([
      { value: "office-01", label: "office-01 · 东城市场监管所" },
      { value: "registration", label: "registration" },
      { value: "section-1", label: "section-1" },
    ]);
    expect(officeOptions(offices)).toEqual([{ value: "office-01", label: "office-01 · 东城市场监管所" }]);
  });

  it("counts an office's active staff from the first page, and says when the gateway has more", () => {
    const page = { items: [person("a"), person("b", { active: false }), person("c")], next_cursor: "c" };
    expect(tally(page, isActive)).toEqual({ count: 2, more: true });
    expect(tallyText(tally(page, isActive))).toBe("2+");
    expect(tallyText(tally({ items: [person("a")] }, isActive))).toBe("1");
    expect(tally(undefined, isActive)).toEqual({ count: 0, more: false });
  });
});

describe("secrets", () => {
  it("groups an authenticator secret by four for typing by hand", () => {
    expect(groupSecret("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")).toBe("JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP");
    expect(groupSecret("ABCDEF")).toBe("ABCD EF");
  });

  it("makes partner secrets of 32 unambiguous characters, without bias from the bytes dropped", () => {
    const secret = newClientSecret();
    expect(secret).toMatch(/^[A-HJ-NP-Za-km-z2-9]{32}$/);
    expect(newClientSecret()).not.toBe(secret);
    // Bytes of 228 and above (past 4 × 57) are dropped; 0 is "A", 57 is "A" again.
    let round = 0;
    const fixed = (bytes: Uint8Array) => {
      const first = round++ === 0;
      return bytes.map((_, i) => (first && i % 2 ? 250 : 57));
    };
    expect(newClientSecret(fixed)).toBe("A".repeat(32));
  });
});

describe("webhook hosts", () => {
  it("are DNS names or IP addresses, nothing more", () => {
    expect(isWebhookHost("hooks.health.example.gov.cn")).toBe(true);
    expect(isWebhookHost("HOOKS.Health.gov.cn")).toBe(true);
    expect(isWebhookHost("10.0.0.8")).toBe(true);
    expect(isWebhookHost("::1")).toBe(true);
    expect(isWebhookHost("https://hooks.example.cn")).toBe(false);
    expect(isWebhookHost("hooks.example.cn:8443")).toBe(false);
    expect(isWebhookHost("*.example.cn")).toBe(false);
    expect(isWebhookHost("bad_host")).toBe(false);
    expect(isWebhookHost("")).toBe(false);
  });
});

describe("signing keys", () => {
  const key = (active: boolean, signsFrom: string) => ({ kid: "k", created_at: "2026-12-06T00:00:00Z", signs_from: signsFrom, active });

  it("sign now, wait for their activation time, or only verify", () => {
    expect(keyState(key(true, "2026-12-06T00:00:00Z"), NOW)).toBe("signing");
    expect(keyState(key(false, "2026-12-06T02:01:00Z"), NOW)).toBe("waiting");
    expect(keyState(key(false, "2026-12-06T00:00:00Z"), NOW)).toBe("retiring");
  });
});

describe("bulk actions", () => {
  it("go through every item one at a time and keep each refusal", async () => {
    const seen: string[] = [];
    const outcome = await eachOf(["a", "b", "c"], async (item) => {
      seen.push(item);
      if (item === "b") throw new Error("refused");
    });
    expect(seen).toEqual(["a", "b", "c"]);
    expect(outcome.done).toEqual(["a", "c"]);
    expect(outcome.failed.map((failure) => [failure.item, (failure.error as Error).message])).toEqual([["b", "refused"]]);
  });
});

describe("times", () => {
  it("read in Beijing time whatever the browser's zone", () => {
    expect(bureauTime("2026-12-05T17:30:00Z", "en")).toBe("12/06/2026, 01:30");
    expect(bureauTime("2026-12-05T17:30:00Z", "zh-CN")).toBe("2026/12/06 01:30");
    expect(bureauTime(null, "en")).toBe("");
  });
});
