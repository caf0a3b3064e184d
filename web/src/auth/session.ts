// The signed-in session. The access token lives in memory only; the refresh token in
// sessionStorage, so a reload keeps you signed in but closing the tab ends the session.
// Refresh tokens rotate: each refresh returns a new one and spends the old.

import { ApiProblem, type ProblemBody } from "../api/problems";

export const REFRESH_KEY = "shijian.refresh";
/** Refresh this long before the access token expires. */
export const REFRESH_SKEW_MS = 60_000;

export interface Credentials {
  username: string;
  password: string;
  totp?: string;
}

interface TokenAnswer {
  access_token: string;
  expires_in: number;
  refresh_token?: string;
}

type Listener = () => void;

export class Session {
  private access: string | null = null;
  private expiresAt = 0;
  private refreshing: Promise<boolean> | null = null;
  private waiters: Array<() => void> = [];
  private listeners = new Set<Listener>();
  expired = false;

  constructor(
    private readonly storage: Pick<Storage, "getItem" | "setItem" | "removeItem">,
    private readonly fetcher: typeof fetch = (...args) => fetch(...args),
    private readonly now: () => number = Date.now,
  ) {}

  get signedIn(): boolean {
    return this.access !== null || this.storage.getItem(REFRESH_KEY) !== null;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async signIn(credentials: Credentials): Promise<void> {
    const form = new URLSearchParams({ grant_type: "password", ...credentials });
    if (!credentials.totp) form.delete("totp");
    await this.grant(form);
    this.expired = false;
    const waiters = this.waiters;
    this.waiters = [];
    waiters.forEach((resolve) => resolve());
    this.changed();
  }

  /** A token valid for at least the skew, refreshed first if needed; null when signed out. */
  async accessToken(): Promise<string | null> {
    if (this.access !== null && this.now() < this.expiresAt - REFRESH_SKEW_MS) {
      return this.access;
    }
    if (this.storage.getItem(REFRESH_KEY) === null) return this.access;
    return (await this.refresh()) ? this.access : null;
  }

  /** One refresh at a time: concurrent callers share it (a second would spend a spent token). */
  refresh(): Promise<boolean> {
    if (this.refreshing === null) {
      this.refreshing = this.doRefresh().finally(() => {
        this.refreshing = null;
      });
    }
    return this.refreshing;
  }

  /** The session ran out: the screen stays, a sign-in dialog opens; resolves once signed in. */
  expire(): Promise<void> {
    this.access = null;
    this.storage.removeItem(REFRESH_KEY);
    this.expired = true;
    this.changed();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  async signOut(): Promise<void> {
    const refresh = this.storage.getItem(REFRESH_KEY);
    const access = this.access;
    this.access = null;
    this.storage.removeItem(REFRESH_KEY);
    if (access !== null) {
      const form = new URLSearchParams(refresh ? { refresh_token: refresh } : {});
      // Revocation is best effort: the tokens are gone from this browser either way.
      await this.fetcher("/auth/logout", {
        method: "POST",
        headers: { Authorization: `Bearer ${access}` },
        body: form,
      }).catch(() => undefined);
    }
    this.changed();
  }

  private async doRefresh(): Promise<boolean> {
    const refresh = this.storage.getItem(REFRESH_KEY);
    if (refresh === null) return false;
    try {
      await this.grant(new URLSearchParams({ grant_type: "refresh_token", refresh_token: refresh }));
      return true;
    } catch (problem) {
      if (problem instanceof ApiProblem) {
        this.storage.removeItem(REFRESH_KEY);
        this.access = null;
        return false;
      }
      throw problem;
    }
  }

  private async grant(form: URLSearchParams): Promise<void> {
    const answer = await this.fetcher("/auth/token", { method: "POST", body: form });
    const body = (await answer.json().catch(() => ({}))) as TokenAnswer & ProblemBody;
    if (!answer.ok) throw new ApiProblem(answer.status, body);
    this.access = body.access_token;
    this.expiresAt = this.now() + body.expires_in * 1000;
    if (body.refresh_token) this.storage.setItem(REFRESH_KEY, body.refresh_token);
  }

  private changed(): void {
    this.listeners.forEach((listener) => listener());
  }
}

export const session = new Session(window.sessionStorage);
