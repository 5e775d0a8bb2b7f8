// The `test` every browser test imports: Playwright's, with the site's shared server per worker.
// Each worker (two by default, playwright.config.ts) starts server.ts of its own on the build made
// beforehand (tests/e2e/global-setup.ts), on a SQLite file of its own, so the comment counts one
// spec file asserts never meet another file's posts. E2E_BASE_URL points every worker at a server
// you already run instead.
import { test as base } from "@playwright/test";
import { E2E_PORT, e2eEnv, freshSqlite, SERVER_SETUP_MS, startServer } from "./servers";

/** Where a worker's shared server listens: above the ports the spec files' own servers take. */
const sharedPort = (worker: number) => E2E_PORT + 20 + worker;

export const test = base.extend<object, { siteUrl: string }>({
  siteUrl: [
    // Playwright reads the fixtures a function needs from its first parameter: this one needs none.
    async ({}, provide, workerInfo) => {
      const external = process.env.E2E_BASE_URL;
      if (external) return provide(external);
      const worker = workerInfo.parallelIndex;
      const server = await startServer(
        sharedPort(worker),
        e2eEnv(freshSqlite(`e2e-${worker}`)),
        `data/e2e-server-${worker}.log`,
      );
      try {
        await provide(server.url);
      } finally {
        server.stop();
      }
    },
    // Its own timeout, not the first test's: migrating and starting take a while on a loaded machine.
    { scope: "worker", timeout: SERVER_SETUP_MS },
  ],
  baseURL: async ({ siteUrl }, provide) => provide(siteUrl),
});

/**
 * The browser tests' quick tier: a test whose title ends in " @quick" runs in `npm test`, which
 * keeps one path of each feature within its ten minutes; every test, quick or not, runs in
 * `npm run test:reliability`. See docs/testing.md, "Two tiers".
 */
export const QUICK = " @quick";
/** The title's ending of a test written once for several variants, of which one is in the quick tier. */
export const quickIf = (quick: boolean) => (quick ? QUICK : "");

export { expect, type APIRequestContext, type Browser, type Locator, type Page } from "@playwright/test";
