// Publishing without a rebuild (lib/content/live-content.ts, content-store.ts): a production server
// reads content/ again when it changes, never per request. Here on a content folder of the test's
// own, set as CONTENT_DIR before anything reads it: an article added, changed, broken (its last good
// version stays up, the problem is listed), fixed, an image replaced, an article removed; and what
// every reader's view then holds: the article, the lists, tags, search, feeds, sitemap, images and
// the pages the page cache keeps. Changes are read by calling refreshContent (what the watcher
// calls), or by the watcher and the rescan themselves, awaited through onContentChange.
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import sharp from "sharp";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";

const dir = await vi.hoisted(async () => {
  // Before any module reads CONTENT_DIR (lib/content/content-store.ts reads it once).
  const { mkdtempSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const made = mkdtempSync(`${tmpdir()}/marginalia-live-`);
  process.env.CONTENT_DIR = made;
  return made;
});

import {
  articleExists,
  CONTENT_DIR,
  filesWithProblems,
  getArticle,
  listArticles,
  listArticleTexts,
} from "@/lib/content/articles";
import { contentVersion, onContentChange, refreshContent, type ContentChange } from "@/lib/content/content-store";
import { articleCover } from "@/lib/content/cover";
import { siteIcon } from "@/lib/content/site-icon";
import { startLiveContent } from "@/lib/content/live-content";
import { searchArticles } from "@/lib/content/search";
import { listTags } from "@/lib/content/tags";
import { contentChanged } from "@/lib/server/content-live";
import { logger } from "@/lib/server/log";
import { cachedPage, PLACEHOLDER } from "@/lib/server/page-cache";
import { absoluteUrl, site } from "@/lib/site";
import { GET as rss } from "@/app/feed.xml/route";
import { GET as atom } from "@/app/atom.xml/route";
import { GET as media } from "@/app/media/[...path]/route";
import sitemap from "@/app/sitemap";

const article = (title: string, { date = "2026-01-05", tags = "[Live]", body = "Fresh words." } = {}) =>
  `---\ntitle: ${title}\ndescription: About ${title}.\nauthor: ${site.author.name}\ndate: ${date}\ntags: ${tags}\n---\n\n${body}\n`;
const write = (name: string, text: string | Buffer) => fs.writeFileSync(path.join(dir, name), text);
const remove = (name: string) => fs.rmSync(path.join(dir, name));
const visible = { includeDrafts: false, today: "2026-06-01" };
const slugs = () => listArticles(visible).map((a) => a.slug);
const feed = async () => (await (await rss()).text()) + (await (await atom()).text());
const sitemapUrls = () => sitemap().map((entry) => entry.url);
const png = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: "#8a3b12" } })
    .png()
    .toBuffer();

/** The next read that publishes or removes `slug` (by the watcher or the rescan). */
function changeOf(slug: string): Promise<ContentChange> {
  return new Promise((resolve) => {
    const stop = onContentChange((change) => {
      if (![...change.published, ...change.removed].includes(slug)) return;
      stop();
      resolve(change);
    });
  });
}

let stopLive = () => {};
const logged: ContentChange[] = [];

beforeAll(() => {
  write("first.md", article("First"));
  // What the server does with each change (lib/server/content-live.ts): log it, drop kept pages.
  onContentChange((change) => {
    logged.push(change);
    contentChanged(change);
  });
  stopLive = startLiveContent(dir, { watch: false, rescanMs: 3_600_000 });
});

afterAll(() => {
  stopLive();
  fs.rmSync(dir, { recursive: true, force: true });
});

afterEach(() => {
  logged.length = 0;
});

/**
 * The article "first" as the page cache keeps it (server.ts answers it without Next.js): `load`
 * asks for it, `renders` counts how often it was rendered. The clock is held still, so the kept
 * page never grows older than PAGE_CACHE_SECONDS.
 */
function keptPage() {
  let renders = 0;
  const render = async () => {
    renders++;
    return new Response(`<p>${PLACEHOLDER.token}</p>`);
  };
  const still = () => Date.parse("2026-12-01T12:00:00Z");
  return { load: () => cachedPage("first", render, still), renders: () => renders };
}

describe("content/ read at run time", () => {
  it("is the folder the test made, published as it is at the first read", () => {
    expect(CONTENT_DIR).toBe(dir);
    expect(slugs()).toEqual(["first"]);
  });

  it("publishes a new article at the next read, and only then: no request reads the folder", async () => {
    write("second.md", article("Second", { date: "2026-02-01", tags: "[Live, Fresh]", body: "Unmistakable zebra." }));
    expect(slugs()).toEqual(["first"]);
    expect(articleExists("second", visible)).toBe(false);

    const change = refreshContent(dir);
    expect(change).toMatchObject({ published: ["second"], removed: [], refused: [] });
    expect(slugs()).toEqual(["second", "first"]);
    expect((await getArticle("second", visible))?.html).toContain("Unmistakable zebra.");
    expect(listTags(listArticles(visible)).map((tag) => [tag.slug, tag.count])).toEqual([
      ["live", 2],
      ["fresh", 1],
    ]);
    expect(searchArticles("zebra", listArticleTexts(visible)).map((result) => result.article.slug)).toEqual(["second"]);
    expect(await feed()).toContain("Unmistakable zebra.");
    expect(sitemapUrls()).toContain(absoluteUrl("/articles/second"));
  });

  it("reads a file again only when it changed", () => {
    const version = contentVersion(dir);
    expect(refreshContent(dir)).toMatchObject({ published: [], removed: [], refused: [] });
    // Written again with the same words: read again, and nothing changed for readers.
    write("second.md", fs.readFileSync(path.join(dir, "second.md")));
    expect(refreshContent(dir)).toMatchObject({ published: [], removed: [] });
    expect(contentVersion(dir)).toBe(version);
    expect(logged).toEqual([]);
  });

  it("publishes a change everywhere: the article, the lists, the feeds, the pages kept", async () => {
    // A page the page cache keeps (server.ts answers it without Next.js) is rendered again after the change.
    const kept = keptPage();
    await kept.load();
    await kept.load();
    expect(kept.renders()).toBe(1);

    write("second.md", article("Second, revised", { date: "2026-02-01", body: "Unmistakable okapi." }));
    expect(refreshContent(dir)).toMatchObject({ published: ["second"] });
    const revised = await getArticle("second", visible);
    expect(revised).toMatchObject({ title: "Second, revised" });
    expect(revised?.html).toContain("Unmistakable okapi.");
    expect(listArticles(visible)[0].title).toBe("Second, revised");
    expect(searchArticles("zebra", listArticleTexts(visible))).toEqual([]);
    const feeds = await feed();
    expect(feeds).toContain("Second, revised");
    expect(feeds).not.toContain("zebra");
    expect(listTags(listArticles(visible)).map((tag) => tag.slug)).toEqual(["live"]);

    await kept.load();
    expect(kept.renders()).toBe(2);
  });

  it("keeps the last good version up when a file breaks, logs and lists its problem until it is fixed", async () => {
    const warn = vi.spyOn(logger(), "warn");
    write("second.md", article("Second, broken", { date: "2026-02-31", body: "Half-written." }));
    const change = refreshContent(dir);
    expect(change?.published).toEqual([]);
    expect(change?.refused).toEqual([
      {
        file: path.join(dir, "second.md"),
        problems: [expect.objectContaining({ line: 5, field: "date", message: "must be a date written YYYY-MM-DD" })],
        kept: true,
      },
    ]);
    expect((await getArticle("second", visible))?.title).toBe("Second, revised");
    expect(await feed()).not.toContain("Half-written.");
    expect(filesWithProblems()).toEqual([expect.objectContaining({ file: path.join(dir, "second.md"), kept: true })]);
    expect(warn).toHaveBeenCalledWith(
      {
        event: "content",
        file: path.relative(process.cwd(), path.join(dir, "second.md")),
        problems: [expect.stringMatching(/second\.md:5: field "date": must be a date written YYYY-MM-DD$/)],
        kept: true,
      },
      "content file not published: it has problems, its last good version stays up",
    );
    warn.mockRestore();
    // Told once: the next reads find it as broken as it was.
    expect(refreshContent(dir)?.refused).toEqual([]);

    write("second.md", article("Second, fixed", { date: "2026-02-01", body: "Whole again." }));
    expect(refreshContent(dir)).toMatchObject({ published: ["second"], refused: [] });
    expect((await getArticle("second", visible))?.html).toContain("Whole again.");
    expect(filesWithProblems()).toEqual([]);
  });

  it("checks the body as the build does: a new file that cannot render stays unpublished", async () => {
    write("third.md", article("Third", { body: "![A picture](./missing.png)" }));
    const change = refreshContent(dir);
    expect(change).toMatchObject({ published: [], removed: [] });
    expect(change?.refused).toEqual([
      {
        file: path.join(dir, "third.md"),
        problems: [
          expect.objectContaining({ line: 9, message: expect.stringMatching(/^image "\.\/missing\.png": not found/) }),
        ],
        kept: false,
      },
    ]);
    expect(slugs()).not.toContain("third");
    expect(await getArticle("third", visible)).toBeNull();
    expect(filesWithProblems()).toEqual([expect.objectContaining({ file: path.join(dir, "third.md"), kept: false })]);
  });

  it("publishes an image added with its article, and a replaced image under a new URL with its new size", async () => {
    write("missing.png", await png(40, 20));
    const added = refreshContent(dir);
    expect(added).toMatchObject({ published: ["third"], refused: [] });
    const before = (await getArticle("third", visible))!.html;
    expect(before).toContain('width="40" height="20"');
    const [, version] = /%2Fmedia%2F~([0-9a-f]{12})%2Fmissing\.png/.exec(before) ?? [];
    expect(version).toBeDefined();
    const served = await media(new Request("http://site/"), {
      params: Promise.resolve({ path: [`~${version}`, "missing.png"] }),
    });
    expect(served.status).toBe(200);
    expect(served.headers.get("cache-control")).toContain("immutable");

    write("missing.png", await png(60, 30));
    expect(refreshContent(dir)).toMatchObject({ published: ["third"] });
    const after = (await getArticle("third", visible))!.html;
    expect(after).toContain('width="60" height="30"');
    expect(after).not.toContain(version);
    // The old version is gone; the address without a version serves the file as it is now.
    const old = await media(new Request("http://site/"), {
      params: Promise.resolve({ path: [`~${version}`, "missing.png"] }),
    });
    expect(old.status).toBe(404);
    const current = await media(new Request("http://site/"), { params: Promise.resolve({ path: ["missing.png"] }) });
    expect((await sharp(Buffer.from(await current.arrayBuffer())).metadata()).width).toBe(60);
  });

  it("renders the kept pages again when the icon or the logo changes: every page shows them", async () => {
    const kept = keptPage();
    await kept.load();
    await kept.load();
    expect(kept.renders()).toBe(1);
    write("icon.svg", '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><rect width="1" height="1"/></svg>');
    expect(refreshContent(dir)).toMatchObject({ published: [], removed: [], assets: true });
    expect(siteIcon(dir)).toMatchObject({ custom: true, url: expect.stringContaining("/icon.svg") });
    await kept.load();
    expect(kept.renders()).toBe(2);
    remove("icon.svg");
    expect(refreshContent(dir)).toMatchObject({ assets: true });
    expect(siteIcon(dir).custom).toBe(false);
  });

  it("shows an article's cover at its new size and address once the folder is read again, not reading it per render", async () => {
    write("cover.png", await png(80, 40));
    write("covered.md", article("Covered").replace("tags:", "image: ./cover.png\ntags:"));
    expect(refreshContent(dir)).toMatchObject({ published: ["covered"] });
    const before = articleCover({ slug: "covered", image: "./cover.png" });
    expect(before).toMatchObject({
      width: 80,
      height: 40,
      src: expect.stringMatching(/^\/media\/~[0-9a-f]{12}\/cover\.png$/),
    });
    write("cover.png", await png(120, 90));
    // Until the watcher reads the folder, pages show what it read last, as for the articles.
    expect(articleCover({ slug: "covered", image: "./cover.png" })).toEqual(before);
    expect(refreshContent(dir)).toMatchObject({ assets: true });
    const after = articleCover({ slug: "covered", image: "./cover.png" });
    expect(after).toMatchObject({ width: 120, height: 90 });
    expect((after as { src: string }).src).not.toBe((before as { src: string }).src);
    remove("covered.md");
    remove("cover.png");
    expect(refreshContent(dir)).toMatchObject({ removed: ["covered"] });
  });

  it("removes a deleted article from every list, the feeds and the sitemap", async () => {
    remove("second.md");
    expect(refreshContent(dir)).toMatchObject({ published: [], removed: ["second"] });
    expect(await getArticle("second", visible)).toBeNull();
    expect(slugs()).toEqual(["first", "third"]);
    expect(await feed()).not.toContain("Whole again.");
    expect(sitemapUrls()).not.toContain(absoluteUrl("/articles/second"));
  });
});

describe("a diagram in an article published while the site runs", () => {
  const cache = path.join(process.cwd(), ".next", "cache", "mermaid");
  const cached = () => (fs.existsSync(cache) ? fs.readdirSync(cache) : []);
  const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

  it.skipIf(!fs.existsSync(chromium))(
    "is published as code at once, then drawn: the server does not wait for the browser",
    { timeout: 120_000 },
    async () => {
      const before = new Set(cached());
      // A diagram no build has drawn.
      const node = `Node${randomUUID().slice(0, 8)}`;
      write("diagram.md", article("Diagram", { body: `\`\`\`mermaid\ngraph LR\n  ${node} --> B\n\`\`\`` }));
      expect(refreshContent(dir)).toMatchObject({ published: ["diagram"] });
      // Published again once drawn.
      const drawn = changeOf("diagram");
      const first = (await getArticle("diagram", visible))!.html;
      expect(first).toContain('<p class="diagram-note">');
      expect(first).not.toContain("<svg");
      try {
        expect(await drawn).toMatchObject({ published: ["diagram"] });
        const html = (await getArticle("diagram", visible))!.html;
        expect(html).toContain("<svg");
        expect(html).toContain(node);
      } finally {
        for (const name of cached()) if (!before.has(name)) fs.rmSync(path.join(cache, name));
        remove("diagram.md");
        refreshContent(dir);
      }
    },
  );
});

describe("the watcher and the rescan", () => {
  it("read a change by themselves, moments after it", async () => {
    stopLive();
    // A short settle, and a rescan that never comes: the watcher alone.
    stopLive = startLiveContent(dir, { settleMs: 20, rescanMs: 3_600_000 });
    expect(slugs()).toEqual(["first", "third"]);
    const watched = changeOf("watched");
    write("watched.md", article("Watched"));
    expect(await watched).toMatchObject({ published: ["watched"] });
    expect(slugs()).toContain("watched");

    stopLive();
    // No watcher: the rescan alone.
    stopLive = startLiveContent(dir, { watch: false, rescanMs: 20 });
    expect(slugs()).toContain("watched");
    const rescanned = changeOf("watched");
    remove("watched.md");
    expect(await rescanned).toMatchObject({ removed: ["watched"] });
    expect(slugs()).not.toContain("watched");
  });
});
