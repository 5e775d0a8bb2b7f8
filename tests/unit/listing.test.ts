import { describe, expect, it } from "vitest";
import type { ArticleSummary } from "@/lib/content/articles";
import { paginate } from "@/lib/content/pagination";
import { markTerms, searchArticles, searchTerms } from "@/lib/content/search";
import { slugify } from "@/lib/slug";
import { articlesTagged, listTags } from "@/lib/content/tags";
import { pagePath, tagPath } from "@/lib/routes";

const article = (slug: string, fields: Partial<ArticleSummary> = {}): ArticleSummary => ({
  slug,
  title: slug,
  description: `About ${slug}.`,
  author: "A",
  authorBio: "B",
  date: "2026-01-01",
  tags: [],
  draft: false,
  readingMinutes: 1,
  ...fields,
});

describe("slugs", () => {
  it.each([
    ["Monolith vs Microservices: What I Prefer", "monolith-vs-microservices-what-i-prefer"],
    ["Ünïcode & Next.js 16!", "unicode-next-js-16"],
    ["  --Already-slugged--  ", "already-slugged"],
    ["日本語", ""],
  ])("%s → %s", (text, slug) => expect(slugify(text)).toBe(slug));
});

describe("pagination", () => {
  const items = Array.from({ length: 23 }, (_, index) => index);

  it("cuts ten a page, the last page holding the rest", () => {
    expect(paginate(items, 1, 10)).toEqual({ items: items.slice(0, 10), page: 1, pageCount: 3 });
    expect(paginate(items, 3, 10)).toEqual({ items: [20, 21, 22], page: 3, pageCount: 3 });
  });

  it("has no page 0, past the end or between numbers, and one empty first page", () => {
    expect(paginate(items, 0, 10)).toBeNull();
    expect(paginate(items, 4, 10)).toBeNull();
    expect(paginate(items, 1.5, 10)).toBeNull();
    expect(paginate([], 1, 10)).toEqual({ items: [], page: 1, pageCount: 1 });
  });

  it("puts page 1 at the index", () => {
    expect([1, 2, 3].map(pagePath)).toEqual(["/", "/page/2", "/page/3"]);
  });
});

describe("tags", () => {
  const articles = [
    article("a", { tags: ["Next.js", "react"] }),
    article("b", { tags: ["next.js"] }),
    article("c", { tags: ["css", "react"] }),
  ];

  it("counts each tag once per article, merging spellings, most used first", () => {
    expect(listTags(articles)).toEqual([
      { name: "Next.js", slug: "next-js", count: 2 },
      { name: "react", slug: "react", count: 2 },
      { name: "css", slug: "css", count: 1 },
    ]);
    expect(articlesTagged(articles, "next-js").map((a) => a.slug)).toEqual(["a", "b"]);
    expect(tagPath("Next.js")).toBe("/tags/next-js");
  });
});

describe("search", () => {
  const documents = [
    {
      article: article("monolith", { title: "Monolith first", tags: ["architecture"], date: "2026-03-01" }),
      text: "Start with one deployable. Split later.",
    },
    {
      article: article("services", {
        title: "Services later",
        description: "When a monolith hurts.",
        date: "2026-02-01",
      }),
      text: "Split out the parts that scale differently.",
    },
    {
      article: article("cafe", { title: "Café notes", date: "2026-01-01" }),
      text: "Nothing about architecture here, but coffee.",
    },
  ];
  const slugs = (query: string) => searchArticles(query, documents).map((result) => result.article.slug);

  it("ranks title matches above description, tag and body matches", () => {
    expect(slugs("monolith")).toEqual(["monolith", "services"]);
    expect(slugs("architecture")).toEqual(["monolith", "cafe"]);
  });

  it("needs every word of the query, in any case and with or without accents", () => {
    expect(slugs("SPLIT later")).toEqual(["services", "monolith"]);
    expect(slugs("split coffee")).toEqual([]);
    expect(slugs("cafe")).toEqual(["cafe"]);
    expect(slugs("   ")).toEqual([]);
    expect(searchTerms("Café, café  NEXT")).toEqual(["cafe", "next"]);
  });

  it("shows the body around the first match, with the matches marked", () => {
    const [result] = searchArticles("coffee", documents);
    expect(result.excerpt).toBe("Nothing about architecture here, but coffee.");
    expect(markTerms("But Coffee, coffee.", ["coffee"])).toEqual([
      { text: "But ", match: false },
      { text: "Coffee", match: true },
      { text: ", ", match: false },
      { text: "coffee", match: true },
      { text: ".", match: false },
    ]);
    // An ellipsis folds to three dots; marks must still land on the right characters.
    expect(markTerms("…the Zébra…", ["zebra"])).toEqual([
      { text: "…the ", match: false },
      { text: "Zébra", match: true },
      { text: "…", match: false },
    ]);
  });
});
