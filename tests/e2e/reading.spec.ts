import { expect, QUICK, test, type Page } from "./support/test";
import { articlePath } from "@/lib/routes";

// Runs against the e2e content (tests/e2e/global-setup.ts): the real article, dated 2026-11-20, and
// twelve field notes dated 2026-01-01 to 2026-01-12 (the first three a series, the last with a
// cover), a technical note dated 2025-12-31, plus a draft and a scheduled note.
const SEED_TITLE = "Monolith vs Microservices: What I Actually Prefer in My Tech Stack";
const PREVIEW_TOKEN = "e2e-preview-token-0123456789";
const entries = (page: Page) => page.locator(".article-list > li");

test(`index → tag → article → next article${QUICK}`, async ({ page }) => {
  await page.goto("/");
  const note = entries(page).filter({ hasText: "Field note 12: the kestrel" });
  await note.getByRole("link", { name: "#field notes" }).click();

  await expect(page).toHaveURL("/tags/field-notes");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Articles tagged “field notes”");
  await expect(entries(page)).toHaveCount(12);
  await page.getByRole("link", { name: "Field note 5: the marten" }).click();

  await expect(page).toHaveURL("/articles/field-note-05");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Field note 5: the marten");
  await expect(page.getByRole("link", { name: /Previous article\s*Field note 4: the lynx/ })).toBeVisible();
  await page.getByRole("link", { name: /Next article/ }).click();

  await expect(page).toHaveURL("/articles/field-note-06");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Field note 6: the ibex");
});

test("the index shows ten articles a page, newest first, without drafts or scheduled ones", async ({ page }) => {
  await page.goto("/");
  await expect(entries(page)).toHaveCount(10);
  await expect(entries(page).first()).toContainText(SEED_TITLE);
  await expect(entries(page).nth(1)).toContainText("Field note 12");
  await expect(entries(page).first()).toContainText("2 min read");
  await expect(page.getByText("A draft note")).toHaveCount(0);
  await expect(page.getByText("A scheduled note")).toHaveCount(0);

  await page.getByRole("link", { name: "Older articles →" }).click();
  await expect(page).toHaveURL("/page/2");
  await expect(page.getByText("Page 2 of 2")).toBeVisible();
  await expect(entries(page)).toHaveCount(4);
  await expect(entries(page).nth(2)).toContainText("Field note 1: the otter");
  await expect(entries(page).last()).toContainText("A technical note");
  await page.getByRole("link", { name: "← Newer articles" }).click();
  await expect(page).toHaveURL("/");

  expect((await page.request.get("/page/3")).status()).toBe(404);
  expect((await page.request.get("/page/1")).status()).toBe(404);
});

test("the tag index lists every tag with its count", async ({ page }) => {
  await page.goto("/tags");
  await expect(page.getByRole("listitem").filter({ hasText: "#field notes" })).toContainText("12 articles");
  await expect(page.getByRole("listitem").filter({ hasText: "#Next.js" })).toContainText("4 articles");
  await page.getByRole("link", { name: "#Next.js" }).click();
  await expect(page).toHaveURL("/tags/next-js");
  await expect(entries(page)).toHaveCount(4);
});

test(`an article shows reading time, tags, contents, highlighted code, a table, a footnote and a sized image${QUICK}`, async ({
  page,
}) => {
  await page.goto("/articles/field-note-12");
  const contents = page.getByRole("navigation", { name: "Contents" });
  await contents.getByRole("link", { name: "A picture" }).click();
  await expect(page).toHaveURL(/#a-picture$/);
  await expect(page.getByRole("heading", { level: 3, name: "A picture" })).toHaveAttribute("id", "a-picture");

  const image = page.getByRole("img", { name: "Three coloured bars on a light background" });
  await expect(image).toHaveAttribute("width", "800");
  await expect(image).toHaveAttribute("height", "450");
  // Its URL names its bytes (lib/content/media.ts): a replaced image gets a new one.
  await expect(image).toHaveAttribute(
    "srcset",
    /\/_next\/image\?url=%2Fmedia%2F~[0-9a-f]{12}%2Fimages%2Fbars\.png&w=\d+/,
  );
  await image.scrollIntoViewIfNeeded();
  await expect
    .poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth))
    .toBeGreaterThan(0);

  await expect(page.locator("pre code.hljs .hljs-keyword").first()).toHaveText("export");
  await expect(page.locator(".prose table th").first()).toHaveText("Animal");
  await page.locator("[data-footnote-ref]").click();
  await expect(page).toHaveURL(/#user-content-fn-count$/);
  await expect(page.locator("#user-content-fn-count")).toContainText("Especially at dusk.");
  await expect(page.getByRole("list", { name: "Tags" })).toContainText("#Next.js");
});

test.describe("with JavaScript off", () => {
  test.use({ javaScriptEnabled: false });

  test(`search finds articles by body text, title and tag, and leaves drafts out${QUICK}`, async ({ page }) => {
    await page.goto("/");
    await page.getByRole("navigation", { name: "Site" }).getByRole("link", { name: "Search" }).click();
    await page.getByLabel("Search articles").fill("zebra");
    await page.getByLabel("Search articles").press("Enter");

    await expect(page).toHaveURL("/search?q=zebra");
    await expect(page.getByRole("heading", { name: "1 article matches “zebra”" })).toBeVisible();
    const result = page.locator(".search-results > li");
    await expect(result.getByRole("link", { name: "Field note 11: the zebra" })).toBeVisible();
    await expect(result.locator("mark").first()).toHaveText(/zebra/i);

    await page.goto("/search?q=microservices+django");
    await expect(page.locator(".search-results > li").first()).toContainText(SEED_TITLE);
    await page.goto("/search?q=next.js");
    await expect(page.locator(".search-results > li")).toHaveCount(5);
    await page.goto("/search?q=quokka");
    await expect(page.getByRole("heading", { name: "No articles match “quokka”" })).toBeVisible();
  });

  test("the theme follows the system, and the switch that needs script stays hidden", async ({ page }) => {
    await page.emulateMedia({ colorScheme: "dark" });
    await page.goto("/");
    await expect(page.locator("html")).toHaveCSS("background-color", "rgb(23, 22, 20)");
    await expect(page.locator(".theme-toggle")).toBeHidden();
  });
});

test("an unknown page is a 404 that suggests articles", async ({ page }) => {
  const response = await page.goto("/articles/no-such-article");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Page not found");
  await expect(entries(page).first()).toContainText(SEED_TITLE);
  await expect(entries(page)).toHaveCount(5);
});

test(`drafts and scheduled articles are hidden, and the preview URL shows them with the token only${QUICK}`, async ({
  page,
}) => {
  for (const slug of ["draft-note", "scheduled-note"]) {
    expect((await page.request.get(articlePath(slug))).status()).toBe(404);
    expect((await page.request.get(`/preview/${slug}`)).status()).toBe(404);
    expect((await page.request.get(`/preview/${slug}?token=wrong-token-0123456789`)).status()).toBe(404);
  }
  const response = await page.goto(`/preview/draft-note?token=${PREVIEW_TOKEN}`);
  expect(response?.status()).toBe(200);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("A draft note");
  await expect(page.getByRole("note")).toContainText("Preview of a draft");
  await expect(page.locator('meta[name="robots"]')).toHaveAttribute("content", /noindex/);
  await page.goto(`/preview/scheduled-note?token=${PREVIEW_TOKEN}`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("A scheduled note");
});

test("pages fit a 320px screen without sideways scrolling", async ({ page }) => {
  await page.setViewportSize({ width: 320, height: 640 });
  for (const path of [
    "/",
    "/articles/field-note-12",
    "/articles/monolith-vs-microservices",
    "/tags",
    "/search?q=field",
  ]) {
    await page.goto(path);
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow, path).toBe(0);
  }
});

test("pages do not shift while they load", async ({ page }) => {
  for (const path of ["/", "/articles/field-note-12"]) {
    await page.goto(path);
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await page.waitForLoadState("networkidle");
    const shift = await page.evaluate(
      () =>
        new Promise<number>((resolve) => {
          let total = 0;
          new PerformanceObserver((list) => {
            for (const entry of list.getEntries() as (PerformanceEntry & {
              value: number;
              hadRecentInput: boolean;
            })[]) {
              if (!entry.hadRecentInput) total += entry.value;
            }
          }).observe({ type: "layout-shift", buffered: true });
          setTimeout(() => resolve(total), 500);
        }),
    );
    console.log(`cumulative layout shift on ${path}: ${shift.toFixed(4)}`);
    expect(shift, path).toBeLessThan(0.01);
  }
});

test("an article's header gives the description as a subtitle, the comment count, and the contents beside the text on a wide screen, folded on a phone", async ({
  page,
}) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(articlePath("monolith-vs-microservices"));
  const header = page.locator("article header").first();
  await expect(header.locator(".subtitle")).toHaveText(/^Monolith or microservices\? Neither, always/);
  await expect(header.getByRole("link", { name: /^\d+ comments?$/ })).toHaveAttribute(
    "href",
    "/articles/monolith-vs-microservices#comments",
  );
  // The contents stand in the right margin, on the first screen, and the text starts beside them.
  const contents = await page.getByRole("navigation", { name: "Contents" }).boundingBox();
  const text = await page.locator(".prose").boundingBox();
  expect(contents!.x).toBeGreaterThan(text!.x + text!.width);
  expect(contents!.y).toBeLessThan(800);
  expect(text!.y).toBeLessThan(800);

  const nav = page.getByRole("navigation", { name: "Contents" });
  const firstSection = nav.getByRole("link").first();
  await expect(firstSection).toBeVisible();
  // Open beside the text: no button to fold them, and their heading says what they are.
  await expect(nav.locator("summary")).toBeHidden();
  await expect(nav.getByRole("heading", { name: "Contents" })).toBeVisible();

  // On the narrowest phone, "2 min read" stays on one line, and the contents are folded above the
  // text, so the reader meets the article first: one tap opens them.
  await page.setViewportSize({ width: 320, height: 640 });
  const reading = header.getByText("2 min read");
  const { height } = (await reading.boundingBox())!;
  const lineHeight = await reading.evaluate((span) => parseFloat(getComputedStyle(span).lineHeight));
  expect(height).toBeLessThan(lineHeight * 1.5);
  await expect(firstSection).toBeHidden();
  await nav.locator("summary").click();
  await expect(firstSection).toBeVisible();
});

test("the home introduces the site and its author; an author's page has their photo and link", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Marginalia");
  await page.getByRole("region", { name: "About this site" }).getByRole("link", { name: "Ahmad Waqar" }).click();
  await expect(page).toHaveURL("/authors/ahmad-waqar");

  await page.goto("/authors/test-author");
  const photo = page.locator(".author-header img");
  await expect(photo).toHaveAttribute("src", /\/media\/~[0-9a-f]{12}\/images\/test-author\.svg$/);
  await expect
    .poll(() => photo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth))
    .toBeGreaterThan(0);
  await expect(page.getByRole("link", { name: "author.example" })).toHaveAttribute(
    "href",
    "https://author.example/test",
  );
});
