import AxeBuilder from "@axe-core/playwright";
import Database from "better-sqlite3";
import { expect, test } from "./support/test";
import { E2E_PORT, e2eEnv, freshSqlite, SERVER_SETUP_MS, startServer, type RunningServer } from "./support/servers";
import { articlePath } from "@/lib/routes";

// The article with comments on a site in Arabic (right to left, Noto Naskh), in Urdu (Nastaliq)
// and in French: the page mirrored (dir=rtl, the thread line and quotes on the right, code still
// left to right), clean for axe and the Nu HTML Checker, and its look pinned by screenshots at a phone's and a
// laptop's width, in both themes. After a deliberate change:
//   E2E_SKIP_BUILD=1 npx playwright test tests/e2e/languages-visual.spec.ts --update-snapshots
// then look at the new PNGs before committing them. Comments are written straight into each
// server's database with fixed times; relative times are masked (they move with the clock).

const SLUG = "field-note-10";

const LANGUAGES = [
  {
    tag: "ar",
    dir: "rtl",
    names: ["سلمى", "Linus"],
    bodies: ["نص عربي قصير، مع `code` وقائمة:\n\n- أول\n- ثانٍ", "ردّ على الرد، *بتأكيد*."],
  },
  {
    tag: "ur",
    dir: "rtl",
    names: ["عائشہ", "Linus"],
    bodies: ["مختصر اردو تبصرہ، `code` کے ساتھ اور ایک فہرست:\n\n- پہلا\n- دوسرا", "جواب کا جواب، *زور دے کر*۔"],
  },
  {
    tag: "fr",
    dir: "ltr",
    names: ["Amélie", "Linus"],
    bodies: ["Deux paragraphes.\n\nLe second, avec `code` et une liste :\n\n- un\n- deux", "Une réponse, *appuyée*."],
  },
] as const;

LANGUAGES.forEach(({ tag, dir, names, bodies }, index) => {
  test.describe(`the article with comments in ${tag}`, () => {
    let server: RunningServer;
    test.beforeAll(async () => {
      test.setTimeout(SERVER_SETUP_MS);
      const url = freshSqlite(`e2e-language-visual-${tag}`);
      const sqlite = new Database(url.slice("file:".length));
      const insert = sqlite.prepare(
        `INSERT INTO "Comment" (id, articleSlug, parentId, rootId, depth, replyToName, authorName, body, status, createdAt)
         VALUES (@id, @slug, @parent, @root, @depth, @replyTo, @name, @body, 'published', @at)`,
      );
      insert.run({
        id: "v-1",
        slug: SLUG,
        parent: null,
        root: "v-1",
        depth: 1,
        replyTo: null,
        name: names[0],
        body: bodies[0],
        at: "2026-03-01T09:15:00.000Z",
      });
      insert.run({
        id: "v-2",
        slug: SLUG,
        parent: "v-1",
        root: "v-1",
        depth: 2,
        replyTo: names[0],
        name: names[1],
        body: bodies[1],
        at: "2026-03-01T10:00:00.000Z",
      });
      sqlite.close();
      server = await startServer(
        E2E_PORT + 60 + index,
        e2eEnv(url, { SITE_LANGUAGE: tag }),
        `data/e2e-language-visual-${tag}.log`,
      );
    });
    test.afterAll(() => server?.stop());
    test.use({ baseURL: `http://127.0.0.1:${E2E_PORT + 60 + index}` });

    // The Nu HTML Checker reads every language's pages in languages.spec.ts.
    test(`is ${dir}, mirrored where it should be, and clean for axe`, async ({ page }) => {
      await page.goto(articlePath(SLUG));
      await expect(page.locator("html")).toHaveAttribute("lang", tag);
      expect((await page.locator("html").getAttribute("dir")) ?? "ltr").toBe(dir);
      // The thread line of the replies is on the side the text starts from; code stays left to right.
      const replies = page.locator(".comment-replies").first();
      const border = await replies.evaluate((element) => {
        const style = getComputedStyle(element);
        return { left: style.borderLeftWidth, right: style.borderRightWidth };
      });
      expect(dir === "rtl" ? border.right : border.left).toBe("2px");
      expect(dir === "rtl" ? border.left : border.right).toBe("0px");
      const code = page.locator(".prose pre").first();
      if (await code.count()) expect(await code.evaluate((element) => getComputedStyle(element).direction)).toBe("ltr");

      const { violations } = await new AxeBuilder({ page })
        .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
        .analyze();
      expect(violations.map((violation) => `${violation.id}: ${violation.help}`)).toEqual([]);
    });

    for (const width of [375, 1280]) {
      for (const colorScheme of ["light", "dark"] as const) {
        test(`looks as it should at ${width}px, ${colorScheme}`, async ({ page }) => {
          await page.setViewportSize({ width, height: 900 });
          await page.emulateMedia({ colorScheme, reducedMotion: "reduce" });
          await page.goto(articlePath(SLUG));
          await page.evaluate(() => document.fonts.ready);
          await expect(page.locator("#comments")).toHaveScreenshot(`comments-${tag}-${width}-${colorScheme}.png`, {
            animations: "disabled",
            mask: [page.locator(".comment-meta time")],
            maxDiffPixelRatio: 0.01,
          });
          await expect(page.locator(".article-header")).toHaveScreenshot(`header-${tag}-${width}-${colorScheme}.png`, {
            animations: "disabled",
            maxDiffPixelRatio: 0.01,
          });
        });
      }
    }
  });
});
