import AxeBuilder from "@axe-core/playwright";
import Database from "better-sqlite3";
import { expect, test, type Page } from "./support/test";
import { E2E_PORT, e2eEnv, freshSqlite, SERVER_SETUP_MS, startServer, type RunningServer } from "./support/servers";
import { englishLeft } from "../support/english-left";
import { noJava, nuHtmlErrors } from "./support/nu-html";
import { LANGUAGES, textDirection } from "@/lib/i18n/languages";
import { articlePath } from "@/lib/routes";

// The site in every language it ships (SITE_LANGUAGE): the home and an article with comments (a
// reply, an edited one, a reply form open) as a reader without JavaScript gets them, with no word
// of the English interface left and no message key shown raw, in <html lang> and its direction,
// valid for the Nu HTML Checker; and the article, scripted, clean for axe.
// The articles and the comments are their writers' words (English in the e2e content): they are
// taken out before looking. One server per language, on a database of its own, comments written
// straight into it.

const SLUG = "field-note-10";

/** Taken out of the page first: what authors and readers wrote, which no catalog translates. */
const USER_CONTENT = [
  ".prose",
  ".subtitle",
  ".article-header h1",
  ".card-text :is(h2, h3)",
  ".card-text > p:not(.meta)",
  ".author-name",
  ".author-link",
  ".author-bio",
  ".hero h1",
  ".tagline",
  ".tag-list",
  ".toc ol",
  ".series",
  ".more-to-read li",
  ".article-nav-title",
  ".site-name",
  ".comment-body",
  ".comment-author",
  "bdi",
  ".avatar",
  "code",
  "script",
  "style",
].join(", ");

const ADMIN_PASSWORD = "correct horse battery staple";
const REPORT_LANGUAGES = new Set(["fr", "ar"]);
/** A Disqus export with two broken records: a date that is none, a body that is empty. */
const BROKEN_DISQUS = `<?xml version="1.0" encoding="utf-8"?>
<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">
<thread dsq:id="1"><link>https://old.example${articlePath(SLUG)}/</link></thread>
<post dsq:id="a"><message>Hello</message><createdAt>2014-03-02T10:00:00Z</createdAt><thread dsq:id="1" /></post>
<post dsq:id="b"><message>Hello</message><createdAt>yesterday</createdAt><thread dsq:id="1" /></post>
<post dsq:id="c"><message></message><createdAt>2014-03-02T10:00:00Z</createdAt><thread dsq:id="1" /></post>
</disqus>`;
/** A Disqus export of one comment longer than a comment may be: imported, held for review. */
const OVERSIZED_DISQUS = `<?xml version="1.0" encoding="utf-8"?>
<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">
<thread dsq:id="1"><link>https://old.example${articlePath(SLUG)}/</link></thread>
<post dsq:id="long"><message>${"lorem ".repeat(1_000)}</message><createdAt>2014-03-02T10:00:00Z</createdAt><thread dsq:id="1" /></post>
</disqus>`;
/** Why the moderation queue says the imported comment waits, in each language checked. */
const FLAG_SAYS: Record<string, string> = {
  fr: "Importé\u00a0: plus de 5\u202f000 caractères",
  ar: "مستورد: أطول من 5,000 محرف",
};
/** What the report says of the record with no date, in each language checked. */
const REPORT_SAYS: Record<string, string> = {
  fr: 'post dsq:id="b" (ligne 5)\u00a0: date\u00a0: n’est pas une date\u00a0: "yesterday"',
  ar: 'post dsq:id="b" (السطر 5): التاريخ: ليس تاريخًا: "yesterday"',
};

/** The page's visible words once its writers' are taken out. */
async function interfaceText(page: Page): Promise<string> {
  return page.evaluate((selector) => {
    const body = document.body.cloneNode(true) as HTMLElement;
    for (const element of body.querySelectorAll(selector)) element.remove();
    // Placeholders and labels given as attributes are words of the interface too.
    const attributes = [...body.querySelectorAll("[placeholder], [aria-label], [title]")].map((element) =>
      ["placeholder", "aria-label", "title"].map((name) => element.getAttribute(name) ?? "").join(" "),
    );
    return `${body.textContent} ${attributes.join(" ")}`;
  }, USER_CONTENT);
}

LANGUAGES.forEach((language, index) => {
  test.describe(`SITE_LANGUAGE=${language}`, () => {
    let server: RunningServer;
    test.beforeAll(async () => {
      test.setTimeout(SERVER_SETUP_MS);
      const url = freshSqlite(`e2e-language-${language}`);
      const sqlite = new Database(url.slice("file:".length));
      const insert = sqlite.prepare(
        `INSERT INTO "Comment" (id, articleSlug, parentId, rootId, depth, replyToName, authorName, body, status, createdAt, editedAt)
         VALUES (@id, @slug, @parent, @root, @depth, @replyTo, @name, @body, 'published', @at, @edited)`,
      );
      insert.run({
        id: "l-ada",
        slug: SLUG,
        parent: null,
        root: "l-ada",
        depth: 1,
        replyTo: null,
        name: "Ada",
        body: "Lorem ipsum dolor sit amet.",
        at: "2026-03-01T09:15:00.000Z",
        edited: "2026-03-01T09:20:00.000Z",
      });
      insert.run({
        id: "l-linus",
        slug: SLUG,
        parent: "l-ada",
        root: "l-ada",
        depth: 2,
        replyTo: "Ada",
        name: "Linus",
        body: "Consectetur adipiscing elit.",
        at: "2026-03-01T10:00:00.000Z",
        edited: null,
      });
      sqlite.close();
      // Mail on (nothing is queued: port 9 discards), so the follow forms show too.
      server = await startServer(
        E2E_PORT + 50 + index,
        e2eEnv(url, { SITE_LANGUAGE: language, SMTP_URL: "smtp://127.0.0.1:9" }),
        `data/e2e-language-${language}.log`,
      );
    });
    test.afterAll(() => server?.stop());

    test(`the home and an article with comments read in ${language}, nothing of English's interface left`, async ({
      browser,
    }) => {
      const context = await browser.newContext({ baseURL: server.url, javaScriptEnabled: false });
      const page = await context.newPage();
      const pages = new Map<string, string>();
      for (const path of ["/", articlePath(SLUG), `${articlePath(SLUG)}?reply=l-ada#reply-form`]) {
        const response = await page.goto(path);
        pages.set(path, await response!.text());
        await expect(page.locator("html")).toHaveAttribute("lang", language);
        const dir = await page.locator("html").getAttribute("dir");
        expect(dir ?? "ltr", path).toBe(textDirection(language));
        if (language === "en") continue;
        const left = englishLeft(await interfaceText(page), language);
        expect(left, `${path}: English words or raw keys left`).toEqual({ words: [], keys: [] });
      }
      await context.close();
      // Valid HTML in every language (the checker: a Java start-up, so once for the three pages).
      if (noJava === null) expect(nuHtmlErrors(pages)).toEqual([]);
    });

    // Japanese and Chinese cards are drawn with the site's Noto slices (lib/server/card-fonts.ts).
    test(`the article's social card is drawn in ${language}`, async ({ page }) => {
      await page.goto(`${server.url}${articlePath(SLUG)}`);
      const image = await page.locator('head meta[property="og:image"]').first().getAttribute("content");
      const png = await page.request.get(`${server.url}${new URL(image!).pathname}${new URL(image!).search}`);
      expect(png.status()).toBe(200);
      expect(png.headers()["content-type"]).toBe("image/png");
      expect((await png.body()).subarray(1, 4).toString()).toBe("PNG");
    });

    // The author's import report, down to why each record was skipped (lib/comments/import/message.ts).
    test(`an import's report on /admin reads in ${language}, its broken records' reasons too`, async ({ browser }) => {
      test.skip(
        !REPORT_LANGUAGES.has(language),
        "the report of every language: tests/integration/import-languages.test.ts",
      );
      const context = await browser.newContext({ baseURL: server.url, javaScriptEnabled: false });
      const page = await context.newPage();
      await page.goto("/admin");
      await page.locator('input[name="password"]').fill(ADMIN_PASSWORD);
      await page.locator(".login-form button[type=submit]").click();
      await page.locator("#import-format").selectOption("disqus");
      await page
        .locator("#import-other-file")
        .setInputFiles({ name: "broken.xml", mimeType: "application/xml", buffer: Buffer.from(BROKEN_DISQUS) });
      await page.locator("form:has(#import-other-file) button[type=submit]").click();
      const report = page.locator("pre.import-report");
      await expect(report).toContainText('dsq:id="b"', { timeout: 30_000 });
      const text = await report.innerText();
      expect(text).toContain(REPORT_SAYS[language]);
      // The file's own names and values are its writer's words.
      const words = text.replace(/"[^"\n]*"|\bpost\b|dsq:id=|\/articles\/\S+|disqus/g, " ");
      expect(englishLeft(words, language)).toEqual({ words: [], keys: [] });
      await context.close();
    });

    // Imported comments' flags are codes, put into words when the queue shows them (lib/comments/flags.ts).
    test(`an imported comment held for review says why in ${language} in the moderation queue`, async ({ browser }) => {
      test.skip(!REPORT_LANGUAGES.has(language), "every language: tests/integration/import-languages.test.ts");
      const context = await browser.newContext({ baseURL: server.url, javaScriptEnabled: false });
      const page = await context.newPage();
      await page.goto("/admin");
      await page.locator('input[name="password"]').fill(ADMIN_PASSWORD);
      await page.locator(".login-form button[type=submit]").click();
      await page.locator("#import-format").selectOption("disqus");
      await page.locator('form:has(#import-other-file) input[name="dryRun"]').uncheck();
      await page.locator("#import-other-file").setInputFiles({
        name: "oversized.xml",
        mimeType: "application/xml",
        buffer: Buffer.from(OVERSIZED_DISQUS),
      });
      await page.locator("form:has(#import-other-file) button[type=submit]").click();
      await expect(page.locator("pre.import-report")).toBeVisible({ timeout: 30_000 });
      await page.goto("/admin?flagged=1");
      const flags = page.locator(".admin-flags li");
      await expect(flags).toHaveText([FLAG_SAYS[language]]);
      expect(englishLeft(await flags.innerText(), language)).toEqual({ words: [], keys: [] });
      await context.close();
    });

    test(`the article with comments is clean for axe in ${language}`, async ({ page }) => {
      await page.goto(`${server.url}${articlePath(SLUG)}`);
      const { violations } = await new AxeBuilder({ page })
        .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
        .analyze();
      expect(violations.map((violation) => `${violation.id}: ${violation.help}`)).toEqual([]);
    });
  });
});

// Hebrew has no catalog yet (nor has Persian): a Hebrew site's pages are right to left, their
// interface in English's words, their Hebrew letters in the bundled Noto Serif Hebrew
// (lib/server/fonts.ts), not in whatever the reader's machine has.
test.describe("SITE_LANGUAGE=he", () => {
  let server: RunningServer;
  test.beforeAll(async () => {
    test.setTimeout(SERVER_SETUP_MS);
    server = await startServer(
      E2E_PORT + 50 + LANGUAGES.length,
      e2eEnv(freshSqlite("e2e-language-he"), { SITE_LANGUAGE: "he" }),
      "data/e2e-language-he.log",
    );
  });
  test.afterAll(() => server?.stop());

  test("an article is right to left, its Hebrew letters in the bundled font, its card drawn", async ({ page }) => {
    const fonts: Array<[string, number]> = [];
    page.on("response", (response) => {
      if (response.url().includes("/fonts/noto-serif-hebrew-")) fonts.push([response.url(), response.status()]);
    });
    await page.goto(`${server.url}${articlePath(SLUG)}`);
    await expect(page.locator("html")).toHaveAttribute("lang", "he");
    await expect(page.locator("html")).toHaveAttribute("dir", "rtl");
    // Hebrew words on the page, then the fonts Chromium drew them with (DevTools' own answer).
    await page.evaluate(async () => {
      const words = document.createElement("p");
      words.id = "hebrew-words";
      words.textContent = "שלום עולם";
      document.querySelector("main")!.append(words);
      await document.fonts.load('16px "Noto Serif Hebrew Variable"', words.textContent);
      await document.fonts.ready;
    });
    const devtools = await page.context().newCDPSession(page);
    await devtools.send("DOM.enable");
    await devtools.send("CSS.enable");
    const { root } = await devtools.send("DOM.getDocument");
    const { nodeId } = await devtools.send("DOM.querySelector", { nodeId: root.nodeId, selector: "#hebrew-words" });
    const { fonts: drawnWith } = await devtools.send("CSS.getPlatformFontsForNode", { nodeId });
    // Its eight letters in Noto Serif Hebrew (the space in Source Serif, first in the stack), nothing in a system font.
    expect(drawnWith.find(({ familyName }) => familyName === "Noto Serif Hebrew")?.glyphCount).toBe(8);
    expect(drawnWith.filter(({ isCustomFont }) => !isCustomFont)).toEqual([]);
    expect(fonts.length).toBeGreaterThan(0);
    expect(fonts.every(([, status]) => status === 200)).toBe(true);
    const image = await page.locator('head meta[property="og:image"]').first().getAttribute("content");
    const png = await page.request.get(`${server.url}${new URL(image!).pathname}${new URL(image!).search}`);
    expect(png.status()).toBe(200);
    expect((await png.body()).subarray(1, 4).toString()).toBe("PNG");
  });
});
