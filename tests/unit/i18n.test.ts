import { afterEach, describe, expect, it, vi } from "vitest";
import { renderToStaticMarkup } from "react-dom/server";
import { createElement } from "react";
import { settings } from "@/lib/settings";
import { catalogLanguage, textDirection } from "@/lib/i18n/languages";
import { formatsFor } from "@/lib/i18n/format";
import { pick, siteLanguage, t, translator, waitFor } from "@/lib/i18n";
import { rich } from "@/lib/i18n/rich";
import { fill } from "@/lib/i18n/fill";

afterEach(() => vi.unstubAllEnvs());

describe("SITE_LANGUAGE", () => {
  it("is English by default, left to right", () => {
    vi.stubEnv("SITE_LANGUAGE", "");
    expect(siteLanguage()).toMatchObject({ tag: "en", language: "en", dir: "ltr", openGraphLocale: "en_GB" });
  });

  it("takes a BCP 47 tag with a catalog, its own or its language's, and refuses others at start", () => {
    expect(settings({ ...process.env, SITE_LANGUAGE: "en-us" }).SITE_LANGUAGE).toBe("en-US");
    expect(catalogLanguage("en-GB")).toBe("en");
    expect(catalogLanguage("zh-Hant")).toBeNull();
    expect(() => settings({ ...process.env, SITE_LANGUAGE: "xx" })).toThrow(/SITE_LANGUAGE must be a language tag/);
    expect(() => settings({ ...process.env, SITE_LANGUAGE: "not a tag" })).toThrow(/SITE_LANGUAGE/);
  });

  it("takes Hebrew and Persian without a catalog: right to left, their dates, English's words", () => {
    expect(settings({ ...process.env, SITE_LANGUAGE: "he-il" }).SITE_LANGUAGE).toBe("he-IL");
    vi.stubEnv("SITE_LANGUAGE", "he");
    const hebrew = siteLanguage();
    expect(hebrew).toMatchObject({ tag: "he", language: "en", dir: "rtl", openGraphLocale: "he_IL" });
    expect(hebrew.t("article.comments", { count: 2 })).toBe("2 comments");
    expect(hebrew.format.day("2026-03-01")).toMatch(/\p{Script=Hebrew}/u);
    vi.stubEnv("SITE_LANGUAGE", "fa");
    expect(siteLanguage()).toMatchObject({ tag: "fa", language: "en", dir: "rtl", openGraphLocale: "fa_IR" });
    vi.unstubAllEnvs();
    expect(() => settings({ ...process.env, SITE_LANGUAGE: "yi" })).toThrow(/or he, fa, in English words/);
  });

  it("writes Arabic, Urdu, Persian and Hebrew right to left", () => {
    expect(["ar", "ur", "fa", "he", "ar-EG", "en", "ja", "zh-Hans"].map(textDirection)).toEqual([
      "rtl",
      "rtl",
      "rtl",
      "rtl",
      "rtl",
      "ltr",
      "ltr",
      "ltr",
    ]);
  });
});

describe("English messages", () => {
  const en = translator("en");

  it("read as the site always wrote them, plurals included", () => {
    expect(en("article.comments", { count: 1 })).toBe("1 comment");
    expect(en("article.comments", { count: 0 })).toBe("0 comments");
    expect(en("search.results", { count: 1, query: "rust" })).toBe("1 article matches “rust”");
    expect(en("search.results", { count: 3, query: "rust" })).toBe("3 articles match “rust”");
    expect(en("form.markdown")).toBe(
      "Markdown: *emphasis*, **strong**, `code`, [links](https://example.com), > quotes, lists.",
    );
    expect(en("validation.authorName")).toBe("This name belongs to the site's author. Please pick another name.");
    expect(en("moderate.hideExisting", { others: 0 })).toBe("Also hide this comment from everybody but them");
    expect(en("moderate.hideExisting", { others: 2 })).toBe(
      "Also hide this comment and their 2 others from this browser or address from everybody but them",
    );
    expect(waitFor(1)).toBe("1 second");
    expect(waitFor(90)).toBe("2 minutes");
  });

  it("come from one translator per language, which keeps each message it parsed", () => {
    expect(translator("en")).toBe(en);
    expect([en("article.readingTime", { minutes: 3 }), en("article.readingTime", { minutes: 4 })]).toEqual([
      "3 min read",
      "4 min read",
    ]);
  });
});

describe("dates, numbers and relative times", () => {
  const now = Date.parse("2026-11-28T15:05:00Z");
  it("keep English's British dates and its words", () => {
    const en = formatsFor("en");
    expect(en.day("2026-11-20")).toBe("20 November 2026");
    expect(en.fullTime(new Date(now))).toBe("28 November 2026 at 15:05 UTC");
    // Kept by the minute: the seconds of another time in that minute change nothing, the next minute does.
    expect(en.fullTime(new Date(now + 59_999))).toBe("28 November 2026 at 15:05 UTC");
    expect(en.fullTime(new Date(now + 60_000))).toBe("28 November 2026 at 15:06 UTC");
    expect(en.fullTime(new Date(Date.parse("1969-12-31T23:59:30Z")))).toBe("31 December 1969 at 23:59 UTC");
    expect(en.relative(new Date(now - 10_000), now, "just now")).toBe("just now");
    expect(en.relative(new Date(now - 3 * 60_000), now, "just now")).toBe("3 minutes ago");
    expect(en.relative(new Date(now - 60_000), now, "just now")).toBe("1 minute ago");
    expect(en.relative(new Date(now - 2 * 365 * 86_400_000), now, "just now")).toBe("2 years ago");
  });

  it("speak the site's language through Intl, with the clock given", () => {
    const fr = formatsFor("fr");
    expect(fr.relative(new Date(now - 3 * 60_000), now, "à l’instant")).toBe("il y a 3 minutes");
    expect(fr.day("2026-11-20")).toBe("20 novembre 2026");
    expect(formatsFor("ar").relative(new Date(now - 3 * 3_600_000), now, "")).toMatch(/ساعات/);
    expect(formatsFor("de").number(1234)).toBe("1.234");
  });
});

describe("messages with elements and client components' words", () => {
  it("puts elements in the message where the translation puts them, text escaped", () => {
    const html = renderToStaticMarkup(
      createElement("p", null, rich(translator("en"), "article.by", { author: createElement("a", null, "<Ada>") })),
    );
    expect(html).toBe("<p>By <a>&lt;Ada&gt;</a></p>");
  });

  it("gives a client component formatted strings, their browser-side arguments left to fill", () => {
    vi.stubEnv("SITE_LANGUAGE", "en");
    const words = pick(["error.reference", "form.post"], { reference: "{reference}" });
    expect(words).toEqual({ "error.reference": "Reference: {reference}", "form.post": "Post comment" });
    expect(renderToStaticMarkup(createElement("p", null, fill(words["error.reference"], { reference: "r-1" })))).toBe(
      "<p>Reference: r-1</p>",
    );
    // A plain {count} is written as the site always wrote it; plurals' # are the locale's numbers.
    expect(t("comments.headingCount", { count: 1200 })).toBe("Comments (1200)");
    expect(t("article.comments", { count: 1200 })).toBe("1,200 comments");
  });
});

describe("a site in another language", () => {
  it("speaks it everywhere t() is asked, plurals and relative times included", () => {
    vi.stubEnv("SITE_LANGUAGE", "fr");
    const { t, format, dir, openGraphLocale } = siteLanguage();
    expect([dir, openGraphLocale]).toEqual(["ltr", "fr_FR"]);
    expect(t("article.comments", { count: 0 })).toBe("0 commentaire");
    expect(t("article.comments", { count: 2 })).toBe("2 commentaires");
    const now = Date.parse("2026-11-28T15:05:00Z");
    expect(format.relative(new Date(now - 3 * 60_000), now, t("time.justNow"))).toBe("il y a 3 minutes");
    expect(waitFor(30)).toBe("30 secondes");
  });

  it("gives Arabic its six plural forms and the page its direction", () => {
    vi.stubEnv("SITE_LANGUAGE", "ar");
    const { t, dir } = siteLanguage();
    expect(dir).toBe("rtl");
    expect([0, 1, 2, 3, 11, 100].map((count) => t("article.comments", { count }))).toEqual([
      "لا تعليقات",
      "تعليق واحد",
      "تعليقان",
      "3 تعليقات",
      "11 تعليقًا",
      "100 تعليق",
    ]);
    // A count English writes as it is agrees with its noun in Arabic.
    expect([1, 3, 12].map((minutes) => t("article.readingTime", { minutes }))).toEqual([
      "قراءة في دقيقة واحدة",
      "قراءة في 3 دقائق",
      "قراءة في 12 دقيقة",
    ]);
  });

  it("reads a regional tag with its language's catalog and the region's dates", () => {
    vi.stubEnv("SITE_LANGUAGE", "fr-ca");
    const { tag, language, format } = siteLanguage();
    expect([tag, language]).toEqual(["fr-CA", "fr"]);
    expect(format.day("2026-11-20")).toBe("20 novembre 2026");
  });
});
