import fs from "node:fs";
import path from "node:path";
import { expect, test } from "./support/test";
import { E2E_CONTENT_DIR, E2E_PORT, e2eEnv, freshSqlite, SERVER_DEV, startServer } from "./support/servers";

// The author's loop in `npm run dev` (server.ts --dev), opened at 127.0.0.1 rather than localhost,
// as a browser on the same machine may: saving an article refreshes the open page, and a file with
// a mistake shows its file, line and field on its page. Not in the quick tier (docs/testing.md): the dev
// server compiles each route on its first visit, which takes a while on a loaded machine. Next.js
// writes its dev build to .next/dev, so the production build of the other tests is left alone.
test.describe.configure({ mode: "serial" });

const PORT = E2E_PORT + 14;
const CONTENT = "data/e2e-content-dev";
const SLUG = "field-note-04";
const FILE = path.join(CONTENT, `${SLUG}.md`);
/** The first visit of a route compiles it: minutes on a loaded two-core machine. */
const COMPILE_MS = 240_000;

let server: Awaited<ReturnType<typeof startServer>>;
test.beforeAll(async () => {
  test.setTimeout(COMPILE_MS);
  fs.rmSync(CONTENT, { recursive: true, force: true });
  fs.cpSync(E2E_CONTENT_DIR, CONTENT, { recursive: true });
  server = await startServer(
    PORT,
    e2eEnv(freshSqlite("e2e-dev"), { CONTENT_DIR: CONTENT }),
    "data/e2e-dev.log",
    SERVER_DEV,
  );
});
test.afterAll(() => {
  server?.stop();
  fs.rmSync(CONTENT, { recursive: true, force: true });
});
test.use({ baseURL: `http://127.0.0.1:${PORT}` });

test(`at 127.0.0.1, saving an article refreshes the open page, and dev's own connections work`, async ({ page }) => {
  test.setTimeout(COMPILE_MS);
  // What broke at 127.0.0.1: the dev tools' connection (the hot reload socket) refused as cross-site.
  const failed: string[] = [];
  page.on("requestfailed", (request) => failed.push(`${request.url()}: ${request.failure()?.errorText}`));
  page.on("console", (message) => {
    if (message.type() === "error") failed.push(message.text());
  });
  await page.goto(`/articles/${SLUG}`, { timeout: COMPILE_MS });
  const original = fs.readFileSync(FILE, "utf8");
  const heading = page.getByRole("heading", { level: 1 });
  await expect(heading).toBeVisible({ timeout: COMPILE_MS });

  fs.writeFileSync(FILE, original.replace(/^title: .*$/m, "title: Saved while it was open"));
  // No reload by the test: the page's EventSource (components/ContentRefresh) refreshes it.
  await expect(heading).toHaveText("Saved while it was open", { timeout: 60_000 });
  // The page closes its own content stream after each refresh, to open one for what it now shows.
  const ownClose = /\/content-events\?.*net::ERR_ABORTED$/;
  expect(
    failed.filter(
      (line) => /webpack-hmr|_next|content-events|ERR_INVALID_HTTP_RESPONSE/.test(line) && !ownClose.test(line),
    ),
  ).toEqual([]);
});

test(`a file with a mistake shows its file, line and field on its page, and the fix brings the article back`, async ({
  page,
}) => {
  test.setTimeout(COMPILE_MS);
  const original = fs.readFileSync(FILE, "utf8");
  // The date on line 4 of the front matter (after "---", title and description).
  const broken = original.replace(/^date: .*$/m, "date: 2026-13-45");
  const line = broken.split("\n").findIndex((text) => text.startsWith("date: ")) + 1;
  fs.writeFileSync(FILE, broken);
  await expect(async () => {
    await page.goto(`/articles/${SLUG}`, { timeout: COMPILE_MS });
    await expect(page.getByRole("heading", { name: "This article has problems" })).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 60_000 });
  const problem = page.locator(".content-problems li").first();
  await expect(problem).toContainText(`${SLUG}.md:${line}`);
  await expect(problem).toContainText("field date");

  fs.writeFileSync(FILE, original.replace(/^title: .*$/m, "title: Mended"));
  await expect(async () => {
    await page.goto(`/articles/${SLUG}`, { timeout: COMPILE_MS });
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Mended", { timeout: 1_000 });
  }).toPass({ timeout: 60_000 });
});

test("the problems page refreshes by itself once the file is mended, even when mended while it loaded", async ({
  page,
}) => {
  test.setTimeout(COMPILE_MS);
  // The page's event stream is held back until the file is mended, as on a slow load: the page
  // still learns of the change when its stream connects (the fingerprint it was rendered from).
  let connect = () => {};
  const mended = new Promise<void>((resolve) => (connect = resolve));
  await page.route("**/content-events?**", async (route) => {
    await mended;
    await route.continue();
  });
  const original = fs.readFileSync(FILE, "utf8");
  fs.writeFileSync(FILE, original.replace(/^date: .*$/m, "date: 2026-13-45"));
  await expect(async () => {
    await page.goto(`/articles/${SLUG}`, { timeout: COMPILE_MS });
    await expect(page.getByRole("heading", { name: "This article has problems" })).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 60_000 });

  // No reload by the test: the page says it refreshes once the file is saved mended.
  fs.writeFileSync(FILE, original.replace(/^title: .*$/m, "title: Mended without a reload"));
  connect();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Mended without a reload", { timeout: 60_000 });
});
