import Database from "better-sqlite3";
import { expect, quickIf, test, type Page } from "./support/test";
import { E2E_PORT, e2eEnv, freshSqlite, SERVER_SETUP_MS, startServer } from "./support/servers";

// Screenshots of the pages readers see most, at a phone's and a laptop's width, in both themes,
// compared with the baselines in visual.spec.ts-snapshots/. After a deliberate design change:
//   E2E_SKIP_BUILD=1 npx playwright test tests/e2e/visual.spec.ts --update-snapshots
// then look at the new PNGs before committing them. The fonts are self-hosted, so the pictures do
// not depend on the machine's fonts. What changes from run to run (comment counts and times that
// other tests move) is masked. The signed-in moderation page has a server of its own (below).

const THREAD_ARTICLE = "/articles/field-note-10";
const API = `/api/articles/field-note-10/comments`;

async function post(page: Page, name: string, body: string, parentId?: string): Promise<string> {
  const { token } = (await (await page.request.get(API)).json()) as { token: string };
  const response = await page.request.post(API, {
    data: { name, body, parentId, token },
    headers: { "x-forwarded-for": `10.9.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}` },
  });
  const json = (await response.json()) as { comment?: { id: string }; id?: string };
  return json.comment?.id ?? json.id ?? "";
}

test.beforeAll(async ({ browser, siteUrl }) => {
  const page = await browser.newPage({ baseURL: siteUrl });
  const existing = (await (await page.request.get(API)).json()) as { count?: number; comments?: unknown[] };
  if ((existing.count ?? existing.comments?.length ?? 0) === 0) {
    const first = await post(
      page,
      "Grace",
      "Two paragraphs, to show their spacing.\n\nThe second one, with `code` and a list:\n\n- one\n- two",
    );
    const reply = await post(page, "Linus", "A reply, on the thread line.", first);
    await post(page, "Ada", "A reply to the reply.", reply);
  }
  await page.close();
});

const pages: [name: string, path: string, open?: (page: Page) => Promise<void>][] = [
  ["index", "/"],
  ["article-thread", THREAD_ARTICLE],
  [
    "comment-form-error",
    THREAD_ARTICLE,
    async (page) => {
      // The box unfolds its buttons when the reader turns to it.
      await page.locator("#comments-form textarea").focus();
      await page.locator("#comments-form").getByRole("button", { name: "Post comment" }).click();
      await expect(page.locator(".field-error").first()).toBeVisible();
    },
  ],
  ["tag", "/tags/next-js"],
  ["search", "/search?q=zebra"],
  ["not-found", "/no-such-page"],
  ["admin", "/admin"],
];

for (const width of [375, 1280]) {
  for (const colorScheme of ["light", "dark"] as const) {
    for (const [name, path, open] of pages) {
      const quick = name === "article-thread" && width === 375 && colorScheme === "light";
      test(`${name} at ${width}px, ${colorScheme}${quickIf(quick)}`, async ({ page }) => {
        await page.setViewportSize({ width, height: 900 });
        await page.emulateMedia({ colorScheme, reducedMotion: "reduce" });
        await page.goto(path);
        await page.evaluate(() => document.fonts.ready);
        await open?.(page);
        // Comment counts and times move as other tests post: masked.
        const options = {
          animations: "disabled" as const,
          mask: [
            page.locator('.article-list a[href$="#comments"]'),
            page.locator(".comment-meta time"),
            page.locator("h2#comments-heading"),
          ],
          maxDiffPixelRatio: 0.01,
        };
        const file = `${name}-${width}-${colorScheme}.png`;
        if (name === "comment-form-error") await expect(page.locator("#comments-form")).toHaveScreenshot(file, options);
        else await expect(page).toHaveScreenshot(file, { ...options, fullPage: true });
      });
    }
  }
}

// The moderation page signed in, on a server of its own with comments written straight into its
// database (fixed times, addresses and flags), so the picture is the same on every run.
test.describe("the moderation page, signed in", () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  test.beforeAll(async () => {
    test.setTimeout(SERVER_SETUP_MS);
    const url = freshSqlite("e2e-visual-admin");
    const sqlite = new Database(url.slice("file:".length));
    const insert = sqlite.prepare(
      `INSERT INTO "Comment" (id, articleSlug, parentId, rootId, depth, replyToName, authorName, body, status, browserId, authorIp, flags, createdAt)
       VALUES (@id, @slug, @parent, @root, @depth, @replyTo, @name, @body, @status, @browser, @ip, @flags, @at)`,
    );
    const comment = (c: Record<string, string | number | null>) =>
      insert.run({ parent: null, root: c.id, depth: 1, replyTo: null, browser: null, ip: null, flags: null, ...c });
    comment({
      id: "v-grace",
      slug: "field-note-10",
      name: "Grace",
      body: "Two paragraphs, with a [link](https://example.org/notes).\n\nAnd `code`, and a list:\n\n- one\n- two",
      status: "published",
      browser: "3f1c2a9e-1111-4aaa-8bbb-123456789abc",
      ip: "203.0.113.7",
      at: "2026-03-01T09:15:00.000Z",
    });
    comment({
      id: "v-linus",
      slug: "field-note-10",
      parent: "v-grace",
      root: "v-grace",
      depth: 2,
      name: "Linus",
      body: "A reply, *emphasised*.",
      status: "hidden",
      ip: "203.0.113.8",
      at: "2026-03-01T10:00:00.000Z",
    });
    comment({
      id: "v-spam",
      slug: "field-note-07",
      name: "Best Deals",
      body: "https://cheap-pills.example/today",
      status: "pending",
      ip: "198.51.100.23",
      flags:
        "Spam score 6 (the queue starts at 5)\nSpam: nothing but a link (+4)\nSpam: 3 other comments from this address within 10 minutes (+2)",
      at: "2026-03-02T08:00:00.000Z",
    });
    comment({
      id: "v-troll",
      slug: "field-note-07",
      name: "Troll",
      body: "You are all wrong, and here is why.",
      status: "shadow",
      browser: "9d2b7c1e-2222-4bbb-8ccc-abcdef012345",
      ip: "192.0.2.44",
      flags: "Banned browser (Troll on field-note-07)",
      at: "2026-03-02T12:30:00.000Z",
    });
    const block = sqlite.prepare(
      `INSERT INTO "Block" (id, kind, value, action, note, expiresAt, createdAt) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    block.run(
      "b1",
      "browser",
      "9d2b7c1e-2222-4bbb-8ccc-abcdef012345",
      "shadow",
      "Troll on field-note-07",
      null,
      "2026-03-02T12:00:00.000Z",
    );
    block.run("b2", "word", "casino*", "refuse", null, null, "2026-03-01T00:00:00.000Z");
    block.run(
      "b3",
      "domain",
      "cheap-pills.example",
      "queue",
      "seen in March",
      "2030-01-01T00:00:00.000Z",
      "2026-02-01T00:00:00.000Z",
    );
    sqlite.close();
    server = await startServer(E2E_PORT + 9, e2eEnv(url));
  });
  test.afterAll(() => server?.stop());

  for (const width of [375, 1280]) {
    for (const colorScheme of ["light", "dark"] as const) {
      test(`admin-signed-in at ${width}px, ${colorScheme}`, async ({ browser }) => {
        const page = await browser.newPage({ baseURL: server.url, viewport: { width, height: 900 } });
        await page.emulateMedia({ colorScheme, reducedMotion: "reduce" });
        await page.goto("/admin");
        await page.getByLabel("Password").fill("correct horse battery staple");
        await page.getByRole("button", { name: "Sign in" }).click();
        await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
        await page.evaluate(() => document.fonts.ready);
        await expect(page).toHaveScreenshot(`admin-signed-in-${width}-${colorScheme}.png`, {
          animations: "disabled",
          fullPage: true,
          maxDiffPixelRatio: 0.01,
        });
        await page.close();
      });
    }
  }
});
