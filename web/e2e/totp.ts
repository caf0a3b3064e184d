// Codes of the demo district's authenticator (deploy/demo/district.json), which admin, auditor01
// and quality01 sign in with: their roles require a second factor.
import * as OTPAuth from "otpauth";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";

const district = JSON.parse(readFileSync(new URL("../../deploy/demo/district.json", import.meta.url), "utf-8")) as {
  second_factor_secret: string;
};
const TOTP = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(district.second_factor_secret) });
const STEP_MS = TOTP.period * 1000;
/** The demo people whose role requires a second factor. */
export const SECOND_FACTOR = new Set(["admin", "auditor01", "quality01"]);
const kept = process.env.PLAYWRIGHT_ARTEFACTS ?? "test-results";

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A code of `username`'s demo authenticator that no journey has used yet. The gateway takes each
 * code once, and the journeys sign the same people in side by side (two languages, two workers):
 * the last time step handed out is kept in a file beside the artefacts, under a lock directory.
 * The gateway accepts the current step and the next; past those this waits for the clock.
 */
export async function demoCode(username: string): Promise<string> {
  mkdirSync(kept, { recursive: true });
  const lock = `${kept}/totp-${username}.lock`;
  const last = `${kept}/totp-${username}.step`;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      await pause(100);
    }
  }
  try {
    for (;;) {
      const now = Math.floor(Date.now() / STEP_MS);
      let used = Number.NEGATIVE_INFINITY;
      try {
        used = Number(readFileSync(last, "utf-8"));
      } catch {
        // No code handed out yet.
      }
      const step = Math.max(now, used + 1);
      if (step <= now + 1) {
        writeFileSync(last, String(step));
        return TOTP.generate({ timestamp: step * STEP_MS });
      }
      await pause((now + 1) * STEP_MS - Date.now() + 50);
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
