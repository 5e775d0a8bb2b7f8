// Rendered articles kept on disk by file version (lib/content/article-cache.ts): a production server
// that starts again finds its articles rendered and never loads the article pipeline (remark,
// rehype, highlight.js, KaTeX: lib/content/pipeline.ts); a changed file, or an image it shows, is
// rendered again; a kept render that is corrupt, cut short or of another file version is ignored.
// A "restart" here is what a new process starts with: no pipeline, no articles read, the same disk.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { getArticle, listArticles, listArticleTexts } from "@/lib/content/articles";
import { useArticleCacheDir } from "@/lib/content/article-cache";
import { onContentChange, refreshContent, refreshContentSoon } from "@/lib/content/content-store";
import { readLiveContent, startLiveContent } from "@/lib/content/live-content";
import { forgetPipeline, pipelineLoaded, pipelineLoads } from "@/lib/content/pipeline";
import { site } from "@/lib/site";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "marginalia-artcache-"));
const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "marginalia-artcache-kept-"));
const visible = { dir, includeDrafts: false, today: "2026-06-01" };

const article = (title: string, body: string) =>
  `---\ntitle: ${title}\ndescription: About ${title}.\nauthor: ${site.author.name}\ndate: 2026-01-05\n---\n\n${body}\n`;
const BODY = "Energy $E = mc^2$.\n\n```ts\nconst answer = 42;\n```\n\n![A red square](square.png)\n";
const write = (name: string, text: string | Buffer) => fs.writeFileSync(path.join(dir, name), text);
const png = (width: number) =>
  sharp({ create: { width, height: 10, channels: 3, background: "#8a3b12" } })
    .png()
    .toBuffer();
const kept = () => fs.readdirSync(cacheDir).filter((name) => name.endsWith(".json"));
const html = async (slug = "first") => (await getArticle(slug, visible))?.html ?? "";

let stopLive = () => {};
let before = process.env.ARTICLE_PIPELINE_VERSION;

/** A new process on the same disk: nothing read, no pipeline; then its first read, as at start. */
async function restart(): Promise<void> {
  stopLive();
  forgetPipeline();
  stopLive = startLiveContent(dir, { watch: false, rescanMs: 3_600_000 });
  await readLiveContent(dir);
}

beforeAll(async () => {
  // What next.config.ts writes into the build's code; without one nothing is kept.
  before = process.env.ARTICLE_PIPELINE_VERSION;
  process.env.ARTICLE_PIPELINE_VERSION = "test";
  useArticleCacheDir(cacheDir);
  write("square.png", await png(10));
  write("first.md", article("First", BODY));
});

afterAll(() => {
  stopLive();
  if (before === undefined) delete process.env.ARTICLE_PIPELINE_VERSION;
  else process.env.ARTICLE_PIPELINE_VERSION = before;
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(cacheDir, { recursive: true, force: true });
});

afterEach(() => {
  stopLive();
  stopLive = () => {};
});

describe("rendered articles kept on disk", () => {
  let first = "";

  it("are rendered with the pipeline the first time, and kept", async () => {
    await restart();
    expect(pipelineLoads()).toBe(1);
    first = await html();
    expect(first).toContain("katex");
    expect(first).toContain("hljs");
    expect(first).toContain('width="10"');
    expect(kept()).toHaveLength(1);
  });

  it("are served after a restart without loading the pipeline: page, contents, reading time and words", async () => {
    const words = listArticleTexts(visible);
    await restart();
    expect(pipelineLoaded()).toBe(false);
    expect(await html()).toBe(first);
    expect(listArticles(visible).map((a) => [a.slug, a.readingMinutes])).toEqual([["first", 1]]);
    expect(listArticleTexts(visible)).toEqual(words);
    expect(pipelineLoads()).toBe(0);
  });

  it("render a changed file again (the pipeline loads then), and keep a few versions per file", async () => {
    await restart();
    for (const version of [1, 2, 3, 4]) {
      write("first.md", article("First", `${BODY}\nVersion ${version}.`));
      await refreshContentSoon(dir);
      expect(await html()).toContain(`Version ${version}.`);
    }
    expect(pipelineLoads()).toBe(1);
    expect(kept().length).toBeLessThanOrEqual(3);
    await restart();
    expect(pipelineLoads()).toBe(0);
    expect(await html()).toContain("Version 4.");
  });

  it("are served when the folder was copied again: new file times, the same bytes", async () => {
    const later = new Date(Date.now() + 60_000);
    for (const name of ["first.md", "square.png"]) fs.utimesSync(path.join(dir, name), later, later);
    await restart();
    expect(pipelineLoaded()).toBe(false);
    expect(await html()).toContain("Version 4.");
  });

  it("render again when an image the article shows changed while no server ran", async () => {
    await restart();
    write("square.png", await png(20));
    await restart();
    expect(pipelineLoads()).toBe(1);
    expect(await html()).toContain('width="20"');
  });

  it("ignore a kept render that is cut short, not JSON, or not one", async () => {
    for (const corrupt of [(text: string) => text.slice(0, text.length / 2), () => "", () => '{"key":"x","text":1}']) {
      for (const name of kept()) {
        const file = path.join(cacheDir, name);
        fs.writeFileSync(file, corrupt(fs.readFileSync(file, "utf8")));
      }
      await restart();
      expect(pipelineLoads()).toBe(1);
      expect(await html()).toContain("Version 4.");
      expect(await html()).toContain('width="20"');
    }
  });

  it("a change read before the pipeline has loaded keeps the last version up until it has, then publishes", async () => {
    await restart();
    expect(pipelineLoaded()).toBe(false);
    write("first.md", article("First", "Read once the pipeline is here."));
    const published = new Promise<string[]>((resolve) => {
      const stop = onContentChange((change) => {
        stop();
        resolve(change.published);
      });
    });
    // What a request does on a folder marked changed: a synchronous read, which cannot load the pipeline.
    refreshContent(dir);
    expect(await html()).toContain("Version 4.");
    expect(await published).toEqual(["first"]);
    expect(await html()).toContain("Read once the pipeline is here.");
    expect(pipelineLoads()).toBe(1);
  });
});
