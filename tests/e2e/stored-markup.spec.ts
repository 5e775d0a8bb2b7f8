import Database from "better-sqlite3";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { expect, QUICK, test, type Browser, type Page } from "./support/test";
import { readerPage } from "./support/comments";
import { E2E_PORT, e2eEnv, freshSqlite, startServer } from "./support/servers";
import { articlePath, commentsApiPath } from "@/lib/routes";

// Hostile names, bodies and ids stored every way one can be (the API, an admin import, a row an
// older version let in), then read back everywhere a stored value goes: the article page (as one
// string of HTML and as React's markup), a reply form naming its author, the admin page, the
// comment feed, the JSON API and the export. The Content-Security-Policy would stop an injected
// handler from running, so the proof is in the markup: nothing the payloads carry becomes an
// element, an attribute or a javascript: link.

const SLUG = "monolith-vs-microservices";
const ARTICLE = articlePath(SLUG);
const API = commentsApiPath(SLUG);
const PASSWORD = "correct horse battery staple";
const MARK = "data-xss"; // on every element a payload would create

const NAMES = [
  `<img src=x ${MARK} onerror="window.__xss=1">`,
  `"><svg ${MARK} onload=window.__xss=1>`,
  `Eve</span><script ${MARK}>window.__xss=1</script>`,
  `' onmouseover='window.__xss=1' ${MARK}='`,
];
const BODY = `<img src=x ${MARK} onerror=window.__xss=1> <script ${MARK}>window.__xss=1</script> [x](javascript:window.__xss=1) <a href="javascript:window.__xss=1" ${MARK}>a</a> </textarea><svg ${MARK} onload=window.__xss=1>`;
// 40 characters: the admin page's message quotes ids up to that length whole.
const HOSTILE_ID = `x"><img src=x ${MARK} onerror=alert(1)>`;
// In sanitized HTML a payload's markup is text (&#x3C;img …); a real tag of its would look like this.
const LIVE_MARKUP = /<(?:img|script|svg)\b|<[a-z][^>]*\s(?:on[a-z]+|data-xss|href\s*=\s*["']?\s*javascript:)/i;

/** Everything the page's DOM would hold had a payload got through. */
async function expectInert(page: Page) {
  const found = await page.evaluate(
    (mark) => ({
      ran: (window as { __xss?: unknown }).__xss ?? null,
      marked: document.querySelectorAll(`[${mark}]`).length,
      handlers: [...document.querySelectorAll("*")].filter((el) =>
        [...el.attributes].some((a) => a.name.startsWith("on")),
      ).length,
      scriptLinks: [...document.querySelectorAll("[href]")].filter((el) =>
        /^\s*javascript:/i.test(el.getAttribute("href")!),
      ).length,
    }),
    MARK,
  );
  expect(found).toEqual({ ran: null, marked: 0, handlers: 0, scriptLinks: 0 });
}

async function adminPage(browser: Browser, baseURL: string): Promise<Page> {
  const page = await readerPage(browser, { baseURL });
  await page.goto("/admin");
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
  return page;
}

async function importFile(admin: Page, file: unknown) {
  await admin.goto("/admin");
  await admin
    .getByLabel(/Import an export file/)
    .setInputFiles({ name: "export.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(file)) });
  await admin.getByRole("button", { name: "Import", exact: true }).click();
}

test.describe("hostile names, bodies and ids", () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let admin: Page;
  const dialogs: string[] = [];
  const ids: string[] = [];

  test.beforeAll(async ({ browser }) => {
    // A server to start, four posts, a sign-in and an import: more than one test's 30 s on a busy machine.
    test.setTimeout(120_000);
    const url = freshSqlite("e2e-stored-markup");
    // A row as an import let it in before ids were checked: a hostile id, and a name that XML forbids.
    const sqlite = new Database(url.slice("file:".length));
    sqlite
      .prepare(`INSERT INTO "Comment" (id, articleSlug, rootId, authorName, body, createdAt) VALUES (?, ?, ?, ?, ?, ?)`)
      .run(HOSTILE_ID, SLUG, HOSTILE_ID, `Old\uFFFE ${NAMES[0]}`, `Old\uFFFF ${BODY}`, "2026-01-01T00:00:00.000Z");
    sqlite.close();
    server = await startServer(
      E2E_PORT + 7,
      e2eEnv(url, { COMMENT_RATE_PER_MINUTE: "1000", COMMENT_RATE_PER_HOUR: "1000" }),
    );

    // Through the API: a thread three deep and one more reply, which names whom it answers.
    const api = (await readerPage(browser, { baseURL: server.url })).request;
    for (const [index, name] of NAMES.slice(0, 3).entries()) {
      const { token } = await (await api.get(API)).json();
      const response = await api.post(API, {
        data: { name, body: `${BODY} #${index}`, parentId: ids.at(-1) ?? null, token },
      });
      expect(response.status()).toBe(201);
      ids.push((await response.json()).id);
    }
    const { token } = await (await api.get(API)).json();
    expect(
      (await api.post(API, { data: { name: "Ada", body: "Answering the third", parentId: ids[2], token } })).status(),
    ).toBe(201);

    // Through the import: valid ids, hostile text, a reply naming a hostile author.
    admin = await adminPage(browser, server.url);
    const record = (id: string, changes: object) => ({
      id,
      articleSlug: SLUG,
      parentId: null,
      rootId: id,
      depth: 1,
      replyToName: null,
      authorName: NAMES[3],
      body: BODY,
      status: "published",
      createdAt: "2026-02-01T00:00:00.000Z",
      editedAt: null,
      deletedAt: null,
      ...changes,
    });
    await importFile(admin, {
      format: "marginalia-comments",
      version: 1,
      exportedAt: "2026-02-02T00:00:00.000Z",
      comments: [
        record("imported-1", {}),
        record("imported-2", { parentId: "imported-1", rootId: "imported-1", depth: 2 }),
        record("imported-3", { parentId: "imported-2", rootId: "imported-1", depth: 3, replyToName: NAMES[3] }),
      ],
      reactions: [{ commentId: "imported-1", voterId: "voter-1", createdAt: "2026-02-01T00:00:00.000Z" }],
    });
    await expect(admin.getByRole("status")).toHaveText(
      "Imported 3 new, 0 already there (updated from the file), and 1 reaction.",
    );
  });
  test.afterAll(() => server?.stop());

  const reader = async (browser: Browser) => {
    const page = await readerPage(browser, { baseURL: server.url });
    page.on("dialog", (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    return page;
  };
  test.afterEach(() => expect(dialogs).toEqual([]));

  test("an import naming a hostile id is refused whole, and says which record, shown as text", async () => {
    const before = await admin.request.get("/admin/export").then((r) => r.json());
    await importFile(admin, {
      format: "marginalia-comments",
      version: 1,
      exportedAt: "2026-02-02T00:00:00.000Z",
      comments: [
        {
          id: "fine-1",
          articleSlug: SLUG,
          parentId: null,
          rootId: "fine-1",
          depth: 1,
          replyToName: null,
          authorName: "Ada",
          body: "Fine",
          status: "published",
          createdAt: "2026-02-01T00:00:00.000Z",
          editedAt: null,
          deletedAt: null,
        },
        {
          id: HOSTILE_ID,
          articleSlug: SLUG,
          parentId: null,
          rootId: HOSTILE_ID,
          depth: 1,
          replyToName: null,
          authorName: "Eve",
          body: "Hi",
          status: "published",
          createdAt: "2026-02-01T00:00:00.000Z",
          editedAt: null,
          deletedAt: null,
        },
      ],
      reactions: [],
    });
    await expect(admin.locator("p.form-message.error")).toHaveText(
      `Nothing was imported: comments[1] (id ${JSON.stringify(HOSTILE_ID)}), id: must be 1 to 64 letters, digits, - or _`,
    );
    await expectInert(admin);
    const after = await admin.request.get("/admin/export").then((r) => r.json());
    expect(after.comments).toEqual(before.comments);
  });

  test(`the article page shows every one as text, in the string HTML and in React's${QUICK}`, async ({ browser }) => {
    const page = await reader(browser);
    for (const path of [
      ARTICLE,
      `${ARTICLE}?reply=${ids[0]}`,
      `${ARTICLE}?reply=${encodeURIComponent(HOSTILE_ID)}`,
      `${ARTICLE}?reply=imported-3`,
    ]) {
      await page.goto(path);
      await expect(page.locator("li.comment")).toHaveCount(8);
      await expectInert(page);
    }
    // The reply form open on the imported reply names its hostile author as text.
    await expect(page.getByRole("heading", { name: `Reply to ${NAMES[3]}` })).toBeVisible();
    await page.goto(ARTICLE);
    for (const name of NAMES) await expect(page.locator(".comment-author", { hasText: name }).first()).toBeVisible();
    await expect(page.locator(".comment-reply-to", { hasText: `replying to @${NAMES[2]}` })).toBeVisible();
    await expect(page.locator(".comment-reply-to", { hasText: `replying to @${NAMES[3]}` })).toBeVisible();
    // The old row's id stays one attribute value: its element is found by it, its permalink points at it.
    const old = await page.evaluate((id) => {
      const li = document.getElementById(id);
      return (
        li && {
          permalink: li.querySelector(".comment-meta > a")?.getAttribute("href"),
          body: li.querySelector(".comment-body")?.textContent,
        }
      );
    }, `comment-${HOSTILE_ID}`);
    expect(old).toEqual({
      permalink: `#comment-${HOSTILE_ID}`,
      body: expect.stringContaining(`<img src=x ${MARK} onerror=window.__xss=1>`),
    });
  });

  test("the admin page shows every one as text", async () => {
    await admin.goto("/admin");
    await expect(admin.locator("li.admin-comment")).toHaveCount(8);
    await expectInert(admin);
    for (const name of NAMES) await expect(admin.locator(".comment-author", { hasText: name }).first()).toBeVisible();
  });

  test(`the comment feed parses, carries them all, and holds no markup of theirs${QUICK}`, async ({ request }) => {
    const response = await request.get(`${server.url}${ARTICLE}/comments.xml`);
    const xml = await response.text();
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml).not.toMatch(/[\uFFFE\uFFFF]/);
    const feed = new XMLParser({ isArray: (tag) => tag === "entry" }).parse(xml).feed;
    expect(feed.entry).toHaveLength(8);
    expect(new Set(feed.entry.map((e: { author: { name: string } }) => e.author.name))).toEqual(
      new Set([...NAMES, `Old ${NAMES[0]}`, "Ada"]),
    );
    // Inside the XML every payload is text: the only elements are the feed's own.
    const elements = new Set([...xml.matchAll(/<([a-z:]+)[\s>/]/gi)].map((m) => m[1]));
    expect([...elements].sort()).toEqual([
      "author",
      "content",
      "entry",
      "feed",
      "id",
      "link",
      "name",
      "published",
      "title",
      "updated",
    ]);
    // And the HTML a feed reader shows from <content> is the sanitized rendering.
    for (const entry of feed.entry as Array<{ content: string }>) {
      expect(entry.content).not.toMatch(LIVE_MARKUP);
    }
  });

  test(`the JSON API returns the names as written and only sanitized HTML${QUICK}`, async ({ request }) => {
    const response = await request.get(`${server.url}${API}`);
    expect(response.headers()["content-type"]).toContain("application/json");
    type Item = { id: string; author: string; html: string; replies: Item[] };
    const all: Item[] = [];
    const walk = (items: Item[]) => items.forEach((item) => (all.push(item), walk(item.replies)));
    walk((await response.json()).comments);
    expect(all).toHaveLength(8);
    expect(all.map((c) => c.id)).toContain(HOSTILE_ID);
    for (const name of NAMES) expect(all.map((c) => c.author)).toContain(name);
    for (const c of all) {
      expect(c.html).not.toMatch(LIVE_MARKUP);
    }
  });

  test("the export is a JSON download, and the old hostile id in it is refused on import", async () => {
    const response = await admin.request.get("/admin/export");
    expect(response.headers()["content-type"]).toBe("application/json; charset=utf-8");
    expect(response.headers()["content-disposition"]).toMatch(/^attachment;/);
    const exported = await response.json();
    expect(exported.comments.map((c: { authorName: string }) => c.authorName)).toEqual(expect.arrayContaining(NAMES));

    await importFile(admin, exported);
    await expect(admin.locator("p.form-message.error")).toContainText(
      `(id ${JSON.stringify(HOSTILE_ID)}), id: must be 1 to 64 letters, digits, - or _`,
    );
    await expectInert(admin);
  });
});
