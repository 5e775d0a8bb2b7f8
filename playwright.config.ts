import fs from "node:fs";
import { defineConfig, devices } from "@playwright/test";

// Playwright cannot download its browsers offline: use Debian's Chromium (apt-get install
// chromium) when it is there, Playwright's own build otherwise. CHROMIUM_PATH overrides both.
const chromium = process.env.CHROMIUM_PATH ?? (fs.existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined);
// E2E_BASE_URL points the tests at a server you already run; otherwise each worker starts its own
// (tests/e2e/support/test.ts). E2E_WORKERS sets how many run side by side.
const external = process.env.E2E_BASE_URL;

export default defineConfig({
  testDir: "tests/e2e",
  // Files side by side, each file's tests in order: a file's tests build on each other's posts.
  fullyParallel: false,
  workers: external ? 1 : Number(process.env.E2E_WORKERS ?? 2),
  globalSetup: "./tests/e2e/global-setup.ts",
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  reporter: process.env.CI ? "list" : [["list"], ["html", { open: "never" }]],
  // Sized for two workers sharing two cores that other work may keep busy too (CI can run at a
  // quarter of a quiet laptop's speed): a passing wait returns as soon as its condition holds, so
  // generous bounds cost nothing, and a test is never failed by the machine's speed alone.
  timeout: 90_000,
  expect: { timeout: 20_000 },
  use: {
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: chromium,
      args: [
        // Chromium refuses to sandbox as root (CI and these machines run as root).
        ...(process.getuid?.() === 0 ? ["--no-sandbox"] : []),
        // No background calls home: the network is closed and they only slow start-up.
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"], channel: undefined } }],
});
