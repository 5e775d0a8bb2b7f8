import { describe, expect, it } from "vitest";
import { matchArticle, normalizePath, parseMap, parseMapFile } from "@/lib/comments/import/paths";

// How an old URL finds its article: the map syntax a user writes (--map, a map file, the /admin
// form), its patterns, query-string permalinks, and WordPress's post_name.

const slugs = new Set(["hello-world", "monolith-vs-microservices", "about"]);
const match = (url: string, maps: string[] = [], postSlug?: string) =>
  matchArticle(
    url,
    slugs,
    maps.map((text) => parseMap(text)),
    postSlug,
  );

describe("the map syntax", () => {
  it("splits at ->, at the space between two paths, or at a lone =", () => {
    for (const text of [
      "/old-post -> /articles/hello-world",
      "/old-post   /articles/hello-world",
      "/old-post=/articles/hello-world",
      "/old-post = /articles/hello-world",
      "https://old.example/old-post/ -> https://new.example/articles/hello-world/",
    ])
      expect(parseMap(text), text).toEqual({
        from: "/old-post",
        to: expect.stringContaining("hello-world"),
        prefix: false,
      });
  });

  it("names a query-string permalink whole, = and all, with -> or a space", () => {
    expect(parseMap("/?p=4 -> /articles/hello-world")).toMatchObject({ from: "/?p=4" });
    expect(parseMap("/?page_id=2 /articles/about")).toMatchObject({ from: "/?page_id=2" });
    expect(match("http://blog.example/?p=4", ["/?p=4 -> /articles/hello-world"])).toBe("hello-world");
    expect(match("http://blog.example/?page_id=2", ["/?page_id=2 /articles/about"])).toBe("about");
  });

  it("refuses what it cannot split for sure, saying how to write it", () => {
    expect(() => parseMap("/?p=4=/articles/hello-world")).toThrow(/old -> new/);
    expect(() => parseMap("/a -> /b -> /c")).toThrow(/more than one ->/);
    expect(() => parseMap("/a /b /c")).toThrow(/old -> new/);
    expect(() => parseMap("/old -> /articles/{slug}")).toThrow(/does not name/);
    expect(() => parseMap("/old -> /articles/*")).toThrow(/needs one ending the old path/);
  });

  it("keeps the first form: a folder mapped with * on both sides", () => {
    expect(parseMap("/2015/*=/articles/*")).toEqual({ from: "/2015/", to: "/articles/", prefix: true });
    expect(match("https://old.example/2015/hello-world/", ["/2015/*=/articles/*"])).toBe("hello-world");
  });

  it("reads a map file: one a line, # comments and blank lines ignored, the line named in an error", () => {
    const maps = parseMapFile(
      "# old permalinks\n\n/*/*/*/{slug}/\n/?p=4 -> /articles/about # the about page\n",
      "maps.txt",
    );
    expect(maps).toHaveLength(2);
    expect(() => parseMapFile("/a -> /b\n/?p=1=/c\n", "maps.txt")).toThrow(/maps\.txt:2/);
  });
});

describe("matching a thread to an article", () => {
  it("takes the path whatever the host, case or trailing slash", () => {
    expect(match("https://old.example/articles/Hello-World/")).toBe("hello-world");
    expect(match("/hello-world")).toBe("hello-world");
    expect(match("/articles/gone")).toBeNull();
  });

  it("keeps WordPress's query-string permalinks apart, and drops any other query", () => {
    expect(normalizePath("http://blog.example/?p=4")).toBe("/?p=4");
    expect(normalizePath("http://blog.example/?p=6&replytocom=3")).toBe("/?p=6");
    expect(normalizePath("http://blog.example/index.php?page_id=2")).toBe("/index.php?page_id=2");
    expect(normalizePath("/articles/hello-world/?utm_source=x")).toBe("/articles/hello-world");
    expect(normalizePath("/?p=4")).not.toBe(normalizePath("/?p=6"));
    expect(match("http://blog.example/?p=4")).toBeNull();
  });

  it("covers date-folder permalinks with one pattern, {slug} naming the article", () => {
    const maps = ["/*/*/*/{slug}/"];
    expect(match("https://blog.example/2012/01/03/hello-world/", maps)).toBe("hello-world");
    expect(match("https://blog.example/2012/01/hello-world/", maps)).toBeNull();
    expect(match("/blog/2013/02/12/about/index.html", ["/blog/*/*/*/{slug}/index.html"])).toBe("about");
    expect(match("/posts/about.html", ["/posts/{slug}.html -> /articles/{slug}"])).toBe("about");
  });

  it("falls back on WordPress's post_name, after the maps and the URL", () => {
    expect(match("http://blog.example/?p=4", [], "hello-world")).toBe("hello-world");
    expect(match("http://blog.example/2015/03/about/", [], "Hello-World")).toBe("hello-world");
    expect(match("/about", [], "hello-world")).toBe("about");
    expect(match("/?p=4", ["/?p=4 -> /articles/about"], "hello-world")).toBe("about");
    expect(match("/?p=4", [], "not-an-article")).toBeNull();
  });

  it("applies the first map that fits", () => {
    expect(match("/old", ["/old -> /articles/about", "/old -> /articles/hello-world"])).toBe("about");
  });
});
