import path from "node:path";
import { describe, expect, it } from "vitest";
import { adjacentArticles, ContentError, frontMatterSchema, getArticle, listArticles } from "@/lib/content/articles";

const fixtures = (name: string) => path.join(import.meta.dirname, "../fixtures", name);

describe("the real content", () => {
  it("publishes the seed article with its byline, reading time and contents", async () => {
    const article = await getArticle("monolith-vs-microservices", { includeDrafts: false });
    expect(article).toMatchObject({
      title: "Monolith vs Microservices: What I Actually Prefer in My Tech Stack",
      author: "Ahmad Waqar",
      authorBio:
        "Full-Stack Developer & Technical Writer. Passionate about building great software and sharing knowledge.",
      draft: false,
      readingMinutes: 2,
    });
    expect(article!.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(article!.html).toContain(
      '<h2 id="1-monolith-for-simplicity-nextjs"><a href="#1-monolith-for-simplicity-nextjs" class="heading-anchor">1. Monolith for Simplicity (Next.js)</a></h2>',
    );
    expect(article!.html).toContain("<li><strong>Speed:</strong> Everything is in one place, reducing overhead.</li>");
    expect(article!.toc.map((entry) => `${entry.depth} ${entry.id}`)).toEqual([
      "2 1-monolith-for-simplicity-nextjs",
      "3 why",
      "2 2-microservices-for-complex-features-fastapi",
      "2 3-django-for-cross-platform-applications",
      "2 why-i-dont-just-pick-one",
      "2 conclusion",
    ]);
  });

  it("is valid front matter throughout", () => {
    expect(() => listArticles({ includeDrafts: true })).not.toThrow();
  });
});

describe("listing articles", () => {
  const dir = fixtures("content-ok");

  it("lists newest first and hides drafts unless asked", () => {
    expect(listArticles({ dir, includeDrafts: false }).map((a) => a.slug)).toEqual(["hello-world", "older-post"]);
    expect(listArticles({ dir, includeDrafts: true }).map((a) => a.slug)).toEqual([
      "work-in-progress",
      "hello-world",
      "older-post",
    ]);
  });

  it("hides an article dated after today until its day comes, unless drafts are shown", () => {
    expect(listArticles({ dir, includeDrafts: false, today: "2026-01-01" }).map((a) => a.slug)).toEqual(["older-post"]);
    expect(listArticles({ dir, includeDrafts: false, today: "2026-01-02" }).map((a) => a.slug)).toEqual([
      "hello-world",
      "older-post",
    ]);
    expect(listArticles({ dir, includeDrafts: true, today: "2020-01-01" })).toHaveLength(3);
  });

  it("reads quoted and unquoted dates as the same calendar day", () => {
    const [hello, older] = listArticles({ dir, includeDrafts: false });
    expect(hello.date).toBe("2026-01-02");
    expect(older.date).toBe("2025-06-30");
    expect(older.tags).toEqual([]);
  });

  it("finds no draft and no unknown slug in production", async () => {
    expect(await getArticle("work-in-progress", { dir, includeDrafts: false })).toBeNull();
    expect(await getArticle("work-in-progress", { dir, includeDrafts: true })).not.toBeNull();
    expect(await getArticle("no-such-article", { dir })).toBeNull();
    expect(await getArticle("../content-bad-date/bad-date", { dir })).toBeNull();
  });

  it("links each article to the newer and older one", () => {
    expect(adjacentArticles("hello-world", { dir, includeDrafts: false })).toMatchObject({
      newer: null,
      older: { slug: "older-post" },
    });
    expect(adjacentArticles("older-post", { dir, includeDrafts: false })).toMatchObject({
      newer: { slug: "hello-world" },
      older: null,
    });
    expect(adjacentArticles("hello-world", { dir, includeDrafts: true }).newer?.slug).toBe("work-in-progress");
  });

  it("keeps `updated` and refuses one before the date", () => {
    expect(listArticles({ dir: fixtures("content-media"), includeDrafts: false })[0].updated).toBe("2026-02-03");
    const base = { title: "T", description: "D", author: "A", authorBio: "B", date: "2026-02-03" };
    expect(frontMatterSchema.safeParse({ ...base, updated: "2026-02-04" }).success).toBe(true);
    const early = frontMatterSchema.safeParse({ ...base, updated: "2026-02-02" });
    expect(early.error?.issues).toMatchObject([{ path: ["updated"], message: "must not be before date" }]);
  });

  it("takes the language of an article's own text as a BCP 47 tag, written canonically", () => {
    const base = { title: "T", description: "D", author: "A", authorBio: "B", date: "2026-02-03" };
    expect(frontMatterSchema.parse({ ...base, lang: "pt-br" }).lang).toBe("pt-BR");
    expect(frontMatterSchema.parse(base).lang).toBeUndefined();
    const wrong = frontMatterSchema.safeParse({ ...base, lang: "not a language" });
    expect(wrong.error?.issues).toMatchObject([
      { path: ["lang"], message: "must be a language tag (BCP 47), e.g. fr or pt-BR" },
    ]);
  });

  it("rejects days that do not exist rather than rolling them over", () => {
    const base = { title: "T", description: "D", author: "A", authorBio: "B" };
    for (const date of ["2026-02-30", "2026-13-01", "20260101", "tomorrow"]) {
      expect(frontMatterSchema.safeParse({ ...base, date }).success, date).toBe(false);
    }
  });
});

describe("malformed front matter", () => {
  it.each([
    ["content-bad-date", /bad-date\.md:6: field "date": must be a date written YYYY-MM-DD/],
    ["content-missing-author", /no-author\.md:1: field "author": is required/],
    ["content-unknown-field", /typo\.md:7: field "drafft": /],
  ])("%s fails naming the file, the line and the field", (dir, message) => {
    expect(() => listArticles({ dir: fixtures(dir) })).toThrow(ContentError);
    expect(() => listArticles({ dir: fixtures(dir) })).toThrow(message);
  });

  it("fails on a missing image when the article is rendered, naming its line", async () => {
    await expect(getArticle("bad-images", { dir: fixtures("content-broken-images-only") })).rejects.toThrow(
      /bad-images\.md:11: image "\.\/missing\.png": not found/,
    );
  });
});
