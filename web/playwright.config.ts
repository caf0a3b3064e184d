// Browser tests of the console against a running platform. The pytest harness
// (tests/console/) starts the platform on real PostgreSQL and RabbitMQ and sets CONSOLE_URL.
import { defineConfig } from "@playwright/test";

const artefacts = process.env.PLAYWRIGHT_ARTEFACTS ?? "test-results";

export default defineConfig({
  testDir: "e2e",
  outputDir: `${artefacts}/test-results`,
  timeout: 120_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  // Two browsers at a time: the journeys make their own data, so files may run side by side.
  workers: Number(process.env.PLAYWRIGHT_WORKERS ?? 2),
  // One retry on this shared machine; a test that fails twice fails the run, and a retried one is
  // reported as flaky in the log.
  retries: 1,
  reporter: [["list"], ["html", { outputFolder: `${artefacts}/report`, open: "never" }]],
  use: {
    baseURL: process.env.CONSOLE_URL ?? "http://127.0.0.1:8000",
    viewport: { width: 1440, height: 900 },
    // The console then opens dialogs and notices without animating them (src/common/motion.ts):
    // a click on a dialog still zooming in was lost, and axe measured a notice half faded in.
    reducedMotion: "reduce",
    // Recorded on the retry of a failed test, not on every run: a failure that repeats has one.
    trace: "on-first-retry",
    screenshot: "only-on-failure",
    launchOptions: {
      // Debian's Chromium: browser downloads are impossible here. Its old headless shell
      // (package chromium-headless-shell), as Playwright itself runs headless tests: the journeys
      // took 12.2 min in the full browser, 5.5 in the shell with motion reduced (2026-12-07).
      // The flags keep it off the network it cannot reach.
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/lib/chromium/chromium-headless-shell",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  projects: [
    { name: "zh-CN", use: { locale: "zh-CN" }, metadata: { lang: "zh-CN" } },
    { name: "en", use: { locale: "en-US" }, metadata: { lang: "en" } },
  ],
});
