import fs from "node:fs";
import { defineConfig, devices } from "@playwright/test";

// Playwright cannot download its browsers offline: use Debian's Chromium (apt-get install
// chromium) when it is there, Playwright's own build otherwise. CHROMIUM_PATH overrides both.
const chromium = process.env.CHROMIUM_PATH ?? (fs.existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined);
const port = Number(process.env.E2E_PORT ?? 3210);
// E2E_BASE_URL points the tests at a server you already run; otherwise they start their own.
const external = process.env.E2E_BASE_URL;

export default defineConfig({
  testDir: "tests/e2e",
  fullyParallel: false,
  workers: 1,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  reporter: process.env.CI ? "list" : [["list"], ["html", { open: "never" }]],
  timeout: 30_000,
  // A loaded two-core CI machine renders and revalidates slower than a laptop.
  expect: { timeout: 10_000 },
  use: {
    baseURL: external ?? `http://127.0.0.1:${port}`,
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
  webServer: external
    ? undefined
    : {
        // A production build against a fresh SQLite file: see tests/e2e/server.ts.
        command: `tsx tests/e2e/server.ts ${port}`,
        url: `http://127.0.0.1:${port}/`,
        timeout: 240_000,
        reuseExistingServer: false,
        stdout: "pipe",
      },
});
