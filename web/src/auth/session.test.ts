import { describe, expect, it, vi } from "vitest";

import { REFRESH_KEY, REFRESH_SKEW_MS, Session } from "./session";

class MemoryStorage {
  items = new Map<string, string>();
  getItem = (key: string) => this.items.get(key) ?? null;
  setItem = (key: string, value: string) => void this.items.set(key, value);
  removeItem = (key: string) => void this.items.delete(key);
}

const tokens = (n: number) =>
  new Response(JSON.stringify({ access_token: `access-${n}`, expires_in: 900, refresh_token: `refresh-${n}` }), {
    status: 200,
  });

describe("Session", () => {
  it("keeps the access token in memory and only the refresh token in session storage", async () => {
    const storage = new MemoryStorage();
    const session = new Session(storage, vi.fn(async () => tokens(1)));
    await session.signIn({ username: "clerk01", password: "pw" });
    expect([...storage.items.entries()]).toEqual([[REFRESH_KEY, "refresh-1"]]);
    expect(await session.accessToken()).toBe("access-1");
  });

  it("refreshes before expiry and rotates the refresh token", async () => {
    const storage = new MemoryStorage();
    let now = 0;
    let issued = 0;
    const fetcher = vi.fn(async (_: RequestInfo | URL, init?: RequestInit) => {
      issued += 1;
      if (issued === 2) expect(String(init?.body)).toContain("refresh_token=refresh-1");
      return tokens(issued);
    });
    const session = new Session(storage, fetcher, () => now);
    await session.signIn({ username: "clerk01", password: "pw" });
    now = 900_000 - REFRESH_SKEW_MS + 1;
    expect(await session.accessToken()).toBe("access-2");
    expect(storage.getItem(REFRESH_KEY)).toBe("refresh-2");
  });

  it("shares one refresh between concurrent callers, since a refresh token is spent once", async () => {
    const storage = new MemoryStorage();
    storage.setItem(REFRESH_KEY, "refresh-0");
    const fetcher = vi.fn(async () => tokens(1));
    const session = new Session(storage, fetcher);
    const answers = await Promise.all([session.accessToken(), session.accessToken(), session.refresh()]);
    expect(answers).toEqual(["access-1", "access-1", true]);
    expect(fetcher).toHaveBeenCalledTimes(1);
  });

  it("forgets a refused refresh token, and a new sign-in releases those waiting", async () => {
    const storage = new MemoryStorage();
    storage.setItem(REFRESH_KEY, "spent");
    const refused = new Response(JSON.stringify({ error: "invalid_grant", detail: "spent" }), { status: 400 });
    const fetcher = vi.fn().mockResolvedValueOnce(refused).mockResolvedValueOnce(tokens(2));
    const session = new Session(storage, fetcher);
    expect(await session.refresh()).toBe(false);
    expect(storage.getItem(REFRESH_KEY)).toBeNull();
    const waiting = session.expire();
    expect(session.expired).toBe(true);
    await session.signIn({ username: "clerk01", password: "pw" });
    await expect(waiting).resolves.toBeUndefined();
    expect(session.expired).toBe(false);
  });

  it("asks for the authenticator code when the gateway says it is required", async () => {
    const refused = new Response(JSON.stringify({ error: "invalid_grant", reason: "totp_required" }), { status: 400 });
    const session = new Session(new MemoryStorage(), vi.fn(async () => refused));
    await expect(session.signIn({ username: "admin", password: "pw" })).rejects.toMatchObject({
      status: 400,
      body: { reason: "totp_required" },
    });
  });

  it("revokes both tokens on sign-out and keeps nothing", async () => {
    const storage = new MemoryStorage();
    const fetcher = vi.fn(async (_: RequestInfo | URL, init?: RequestInit) =>
      init?.method === "POST" && String(init.body).includes("grant_type") ? tokens(1) : new Response(null, { status: 204 }),
    );
    const session = new Session(storage, fetcher);
    await session.signIn({ username: "clerk01", password: "pw" });
    await session.signOut();
    const [url, init] = fetcher.mock.calls[1]!;
    expect(url).toBe("/auth/logout");
    expect(new Headers(init?.headers).get("Authorization")).toBe("Bearer access-1");
    expect(String(init?.body)).toBe("refresh_token=refresh-1");
    expect(storage.items.size).toBe(0);
    expect(session.signedIn).toBe(false);
  });
});
