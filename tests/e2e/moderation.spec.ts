import fs from "node:fs";
import Database from "better-sqlite3";
import { expect, QUICK, test, type Page } from "./support/test";
import { postComment, readerPage, unique } from "./support/comments";
import { E2E_PORT, e2eEnv, freshSqlite, SERVER_SETUP_MS, startServer } from "./support/servers";

const ARTICLE = "/articles/monolith-vs-microservices";
const PASSWORD = "correct horse battery staple";

async function signIn(page: Page) {
  await page.goto("/admin");
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
}

const adminEntry = (page: Page, text: string) => page.locator("li.admin-comment").filter({ hasText: text });

test(`the admin hides a comment and readers no longer see it${QUICK}`, async ({ browser }) => {
  const reader = await readerPage(browser);
  await reader.goto(ARTICLE);
  const text = unique("Off-topic rant");
  await postComment(reader, "Troll", text);

  const admin = await readerPage(browser);
  await signIn(admin);
  await adminEntry(admin, text).getByRole("button", { name: "Hide" }).click();
  await expect(adminEntry(admin, text)).toContainText("hidden");

  await reader.reload();
  await expect(reader.locator(".comment-body", { hasText: text })).toHaveCount(0);

  await adminEntry(admin, text).getByRole("button", { name: "Unhide" }).click();
  await expect(adminEntry(admin, text).getByRole("button", { name: "Hide", exact: true })).toBeVisible();
  await reader.reload();
  await expect(reader.locator(".comment-body", { hasText: text })).toBeVisible();
});

test("the admin refuses wrong passwords and locks an address out after 10", async ({ browser }) => {
  const page = await readerPage(browser);
  await page.goto("/admin");
  for (let attempt = 1; attempt <= 10; attempt++) {
    await page.getByLabel("Password").fill(`wrong ${attempt}`);
    await page.getByRole("button", { name: "Sign in" }).click();
    // The form empties once the attempt has been answered.
    await expect(page.getByLabel("Password")).toHaveValue("");
    await expect(page.getByRole("status")).toHaveText("That password is not right.");
  }
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("status")).toContainText("Too many failed attempts. Try again in 15 minutes.");
  // The export is refused without a session.
  expect((await page.request.get("/admin/export")).status()).toBe(401);
});

test("export and import round-trip through the admin", async ({ browser }) => {
  const reader = await readerPage(browser);
  await reader.goto(ARTICLE);
  await postComment(reader, "Archived", unique("Worth keeping"));
  const admin = await readerPage(browser);
  await signIn(admin);
  const download = admin.waitForEvent("download");
  await admin.getByRole("link", { name: "Export all comments (JSON)" }).click();
  const file = await (await download).path();
  const exported = JSON.parse(fs.readFileSync(file, "utf8"));
  expect(exported.format).toBe("marginalia-comments");
  expect(exported.comments.length).toBeGreaterThan(0);

  await admin.getByLabel(/Import an export file/).setInputFiles(file);
  await admin.getByRole("button", { name: "Import", exact: true }).click();
  await expect(admin.getByRole("status")).toContainText(`Imported 0 new, ${exported.comments.length} already there`);
});

test.describe("with COMMENTS_MODERATION=pre", () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  test.beforeAll(async () => {
    test.setTimeout(SERVER_SETUP_MS);
    server = await startServer(E2E_PORT + 2, e2eEnv(freshSqlite("e2e-premod"), { COMMENTS_MODERATION: "pre" }));
  });
  test.afterAll(() => server?.stop());

  test(`a new comment waits for approval, seen only by its author until then${QUICK}`, async ({ browser }) => {
    const author = await readerPage(browser, { baseURL: server.url });
    await author.goto(ARTICLE);
    const text = unique("Held for review");
    await postComment(author, "Ada", text);
    await expect(author.locator("form.comment-form").getByRole("status")).toHaveText(
      "Thanks! Your comment is awaiting moderation.",
    );
    const own = author.locator("li.comment").filter({ hasText: text });
    await expect(own).toContainText("Awaiting moderation");
    await expect(author.getByRole("heading", { name: "Comments (0)" })).toBeVisible();

    const other = await readerPage(browser, { baseURL: server.url });
    await other.goto(ARTICLE);
    await expect(other.locator(".comment-body", { hasText: text })).toHaveCount(0);

    const admin = await readerPage(browser, { baseURL: server.url });
    await signIn(admin);
    await admin.getByRole("link", { name: "Awaiting approval" }).click();
    // The list's buttons send the moderator back to the list they are on: wait until it is the queue.
    await expect(admin).toHaveURL(/status=pending/);
    await adminEntry(admin, text).getByRole("button", { name: "Approve" }).click();
    await expect(adminEntry(admin, text)).toHaveCount(0);

    await other.reload();
    await expect(other.locator("li.comment").filter({ hasText: text })).not.toContainText("Awaiting moderation");
    await expect(other.getByRole("heading", { name: "Comments (1)" })).toBeVisible();
  });

  test("an approved comment edited into spam goes back to the queue: others no longer see it until approved", async ({
    browser,
  }) => {
    test.slow(); // three browsers, two approvals
    const author = await readerPage(browser, { baseURL: server.url });
    await author.goto(ARTICLE);
    const text = unique("A fair point");
    await postComment(author, "Ada", text);
    const admin = await readerPage(browser, { baseURL: server.url });
    await signIn(admin);
    await admin.getByRole("link", { name: "Awaiting approval" }).click();
    // The list's buttons send the moderator back to the list they are on: wait until it is the queue.
    await expect(admin).toHaveURL(/status=pending/);
    await adminEntry(admin, text).getByRole("button", { name: "Approve" }).click();
    await expect(adminEntry(admin, text)).toHaveCount(0);
    const other = await readerPage(browser, { baseURL: server.url });
    await other.goto(ARTICLE);
    await expect(other.locator(".comment-body", { hasText: text })).toBeVisible();

    await author.reload();
    const own = author.locator("li.comment").filter({ hasText: text });
    await own.getByRole("link", { name: "Edit" }).click();
    const spam = unique("Cheap pills at https://spam.example");
    await author.getByLabel("Edit your comment").fill(spam);
    await author.getByRole("button", { name: "Save edit" }).click();
    await expect(author.getByText("Your edit is saved. It awaits moderation again")).toBeVisible();

    await other.reload();
    await expect(other.locator(".comment-body", { hasText: spam })).toHaveCount(0);
    await expect(other.locator(".comment-body", { hasText: text })).toHaveCount(0);
    await author.goto(ARTICLE);
    await expect(author.locator("li.comment").filter({ hasText: spam })).toContainText("Awaiting moderation");

    await admin.getByRole("link", { name: "Awaiting approval" }).click();
    // The list's buttons send the moderator back to the list they are on: wait until it is the queue.
    await expect(admin).toHaveURL(/status=pending/);
    await adminEntry(admin, spam).getByRole("button", { name: "Approve" }).click();
    await expect(adminEntry(admin, spam)).toHaveCount(0);
    await other.reload();
    await expect(other.locator(".comment-body", { hasText: spam })).toBeVisible();
  });
});

test.describe("a long discussion", () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  test.beforeAll(async () => {
    test.setTimeout(SERVER_SETUP_MS);
    const url = freshSqlite("e2e-long");
    // 60 threads written straight into the database, a second apart.
    const sqlite = new Database(url.slice("file:".length));
    const insert = sqlite.prepare(
      `INSERT INTO "Comment" (id, articleSlug, rootId, authorName, body, createdAt) VALUES (?, ?, ?, ?, ?, ?)`,
    );
    const start = Date.parse("2026-01-01T00:00:00Z");
    for (let i = 1; i <= 60; i++) {
      const id = `seed-${String(i).padStart(2, "0")}`;
      insert.run(
        id,
        "monolith-vs-microservices",
        id,
        `Reader ${i}`,
        `Thread number ${i}`,
        new Date(start + i * 1000).toISOString(),
      );
    }
    sqlite.close();
    server = await startServer(E2E_PORT + 3, e2eEnv(url));
  });
  test.afterAll(() => server?.stop());

  for (const javaScriptEnabled of [true, false]) {
    test(`shows 50 threads, then the rest on "Show more comments" (JavaScript ${javaScriptEnabled ? "on" : "off"})`, async ({
      browser,
    }) => {
      const context = await browser.newContext({ baseURL: server.url, javaScriptEnabled });
      const page = await context.newPage();
      await page.goto(ARTICLE);
      await expect(page.getByRole("heading", { name: "Comments (60)" })).toBeVisible();
      await expect(page.locator(".comment-list > li.comment")).toHaveCount(50);
      await expect(page.getByText("Thread number 51", { exact: true })).toHaveCount(0);
      await page.getByRole("link", { name: "Show more comments" }).click();
      await expect(page.locator(".comment-list > li.comment")).toHaveCount(60);
      // It lands on the first thread it adds, where the reader was, not at the top of the page.
      const firstNew = page.locator(".comment-list > li.comment").nth(50);
      await expect(firstNew).toBeInViewport();
      if (javaScriptEnabled) await expect(firstNew).toBeFocused();
      await expect(page.getByText("Thread number 60", { exact: true })).toBeVisible();
      await expect(page.getByRole("link", { name: "Show more comments" })).toHaveCount(0);

      await page.getByRole("link", { name: "Newest" }).click();
      await expect(page.locator(".comment-list > li.comment").first()).toContainText("Thread number 60");
    });
  }
});
