import path from "node:path";
import { describe, expect, it } from "vitest";
import { ContentError, getArticle, listArticles } from "@/lib/articles";

const fixtures = (name: string) => path.join(import.meta.dirname, "../fixtures", name);

describe("the real content", () => {
  it("publishes the seed article with its byline", async () => {
    const article = await getArticle("monolith-vs-microservices", { includeDrafts: false });
    expect(article).toMatchObject({
      title: "Monolith vs Microservices: What I Actually Prefer in My Tech Stack",
      author: "Ahmad Waqar",
      authorBio: "Full-Stack Developer & Technical Writer. Passionate about building great software and sharing knowledge.",
      draft: false,
    });
    expect(article!.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(article!.html).toContain("<h2>1. Monolith for Simplicity (Next.js)</h2>");
    expect(article!.html).toContain("<li><strong>Speed:</strong> Everything is in one place, reducing overhead.</li>");
  });

  it("is valid front matter throughout", () => {
    expect(() => listArticles({ includeDrafts: true })).not.toThrow();
  });
});

describe("listing articles", () => {
  it("lists newest first and hides drafts unless asked", () => {
    expect(listArticles({ dir: fixtures("content-ok"), includeDrafts: false }).map((a) => a.slug)).toEqual([
      "hello-world",
      "older-post",
    ]);
    expect(listArticles({ dir: fixtures("content-ok"), includeDrafts: true }).map((a) => a.slug)).toEqual([
      "work-in-progress",
      "hello-world",
      "older-post",
    ]);
  });

  it("reads quoted and unquoted dates as the same calendar day", () => {
    const [hello, older] = listArticles({ dir: fixtures("content-ok"), includeDrafts: false });
    expect(hello.date).toBe("2026-01-02");
    expect(older.date).toBe("2025-06-30");
    expect(older.tags).toEqual([]);
  });

  it("finds no draft and no unknown slug in production", async () => {
    expect(await getArticle("work-in-progress", { dir: fixtures("content-ok"), includeDrafts: false })).toBeNull();
    expect(await getArticle("work-in-progress", { dir: fixtures("content-ok"), includeDrafts: true })).not.toBeNull();
    expect(await getArticle("no-such-article", { dir: fixtures("content-ok") })).toBeNull();
    expect(await getArticle("../content-bad-date/bad-date", { dir: fixtures("content-ok") })).toBeNull();
  });
});

describe("malformed front matter", () => {
  it.each([
    ["content-bad-date", /bad-date\.md: field "date": must be a date written YYYY-MM-DD/],
    ["content-missing-author", /no-author\.md: field "author": /],
    ["content-unknown-field", /typo\.md: field "drafft": /],
  ])("%s fails naming the file and the field", (dir, message) => {
    expect(() => listArticles({ dir: fixtures(dir) })).toThrow(ContentError);
    expect(() => listArticles({ dir: fixtures(dir) })).toThrow(message);
  });
});
