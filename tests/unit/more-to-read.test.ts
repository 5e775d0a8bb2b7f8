import { describe, expect, it } from "vitest";
import type { ArticleSummary } from "@/lib/content/articles";
import { findAuthor, listAuthors } from "@/lib/content/authors";
import { relatedArticles } from "@/lib/content/related";
import { seriesOf } from "@/lib/content/series";
import { formatsFor } from "@/lib/i18n/format";

const article = (slug: string, changes: Partial<ArticleSummary> = {}): ArticleSummary => ({
  slug,
  title: slug,
  description: "d",
  author: "Ada Lovelace",
  authorBio: "Old bio",
  date: "2026-01-01",
  tags: [],
  draft: false,
  readingMinutes: 1,
  ...changes,
});

describe("more to read", () => {
  const articles = [
    article("c", { date: "2026-03-01", tags: ["Next.js", "css"], series: "S", authorBio: "New bio" }),
    article("b", { date: "2026-02-01", tags: ["next.js"] }),
    article("a", { date: "2026-01-01", tags: ["next.js", "CSS"], series: "S", author: "Grace Hopper" }),
    article("z", { date: "2026-01-05", tags: ["css", "next-js"] }),
  ];

  it("relates articles by shared tags, most shared first, leaving out the same series", () => {
    expect(relatedArticles(articles[1], articles).map((a) => a.slug)).toEqual(["c", "z", "a"]);
    expect(relatedArticles(articles[0], articles).map((a) => a.slug)).toEqual(["z", "b"]);
  });

  it("orders a series by date and says which part this is", () => {
    const series = seriesOf(articles[0], articles)!;
    expect(series.parts.map((a) => a.slug)).toEqual(["a", "c"]);
    expect(series.index).toBe(1);
    expect(seriesOf(articles[1], articles)).toBeNull();
  });

  it("gathers each author's articles with the bio of the newest", () => {
    expect(listAuthors(articles).map((a) => [a.slug, a.articles.length])).toEqual([
      ["ada-lovelace", 3],
      ["grace-hopper", 1],
    ]);
    expect(findAuthor("ada-lovelace", articles)?.bio).toBe("New bio");
    expect(findAuthor("nobody", articles)).toBeNull();
  });
});

describe("relative time", () => {
  const now = Date.parse("2026-11-28T15:00:00Z");
  it.each([
    ["2026-11-28T14:59:30Z", "just now"],
    ["2026-11-28T14:58:00Z", "2 minutes ago"],
    ["2026-11-28T12:00:00Z", "3 hours ago"],
    ["2026-11-27T15:00:00Z", "1 day ago"],
    ["2026-09-01T15:00:00Z", "2 months ago"],
    ["2024-11-01T15:00:00Z", "2 years ago"],
    ["2026-11-28T15:01:00Z", "just now"],
  ])("%s is %s", (date, words) => {
    expect(formatsFor("en").relative(new Date(date), now, "just now")).toBe(words);
  });
});
