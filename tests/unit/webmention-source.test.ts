// A Webmention's source page as lib/fediverse reads it: real h-entry HTML from the microformats
// test suite (tests/fixtures/webmention/, SOURCES.md says where each file comes from), whether it
// links to the target, what it is (reply, like, repost, mention) and who wrote it. Then crafted
// pages as large as a source may be (the fetch stops at 1 MB): huge, deeply nested, thousands of
// entries and links, each read in at most 50 ms of CPU of this process (not wall clock), as the
// project's other pathological tests measure.
import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { linksTo, readSource, SOURCE_HTML_MAX } from "@/lib/fediverse/webmention-source";
import { DEFAULT_LIMITS } from "@/lib/fediverse/safe-fetch";
import { CPU_MAX_MS, cpuMs } from "../support/cpu";

const fixture = (name: string) => fs.readFileSync(`tests/fixtures/webmention/${name}`, "utf8");
const SOURCE = "https://reader.example/2026/12/a-reply";

describe("real h-entry pages", () => {
  it("reads the author and the text of an entry, and that it only mentions a page it links to", () => {
    const html = fixture("mf2-summarycontent.html");
    const target = "http://microformats.org/wiki/principles";
    expect(linksTo(html, SOURCE, target)).toBe(true);
    const entry = readSource(html, SOURCE, target);
    expect(entry.kind).toBe("mention");
    expect(entry.author).toEqual({ name: "Tantek", url: "http://tantek.com/", photo: null });
    expect(entry.text).toMatch(/^Last week the microformats.org community/);
  });

  it("takes a u-in-reply-to h-cite as a reply, without taking the cited post's author for the entry's", () => {
    const html = fixture("mf2-impliedvalue-nested.html");
    const target = "http://example.com/post";
    expect(linksTo(html, SOURCE, target)).toBe(true);
    const entry = readSource(html, SOURCE, target);
    expect(entry.kind).toBe("reply");
    expect(entry.author.name).toBeNull();
  });

  it("agrees with the suite's expected parse on URL properties (a relative photo resolved by <base>)", () => {
    const html = fixture("mf2-u-property.html");
    const expected = JSON.parse(fixture("mf2-u-property.json")) as { items: { properties: { url: string[] } }[] };
    const entry = readSource(html, "http://microformats.org/x", "http://example.com/none");
    // Its own URL is another site's: the source's address is kept instead.
    expect(expected.items[0].properties.url[0]).toBe("http://microformats.org/");
    expect(entry.url).toBe("http://microformats.org/");
    expect(readSource(html, SOURCE, "http://example.com/none").url).toBe(SOURCE);
  });

  it("does not count a link in a comment, a script or escaped text as a link", () => {
    const target = "https://blog.example/articles/a";
    expect(linksTo(`<p>&lt;a href="${target}"&gt;</p>`, SOURCE, target)).toBe(false);
    expect(linksTo(`<a href="${target}#comments">the article</a>`, SOURCE, target)).toBe(true);
    expect(linksTo(`<a href="/articles/a">relative</a>`, "https://blog.example/elsewhere", target)).toBe(true);
  });
});

const fill = (unit: string, size: number) => unit.repeat(Math.ceil(size / unit.length)).slice(0, size);

describe("crafted sources stay cheap", () => {
  const MAX = DEFAULT_LIMITS.maxBytes;
  const target = "https://blog.example/articles/a";
  const link = `<a class="u-in-reply-to" href="${target}">x</a>`;
  const pages: Record<string, string> = {
    "deeply nested elements": `<div class="h-entry">${link}${fill("<div>", MAX / 2 - 200)}${fill("</div>", MAX / 2 - 200)}</div>`,
    "deeply nested h-entries": `${fill('<div class="h-entry">', MAX - 200)}${link}`,
    "thousands of links": fill(`<a href="https://x.example/${"y".repeat(40)}">z</a>`, MAX),
    "one huge text": `<div class="h-entry">${link}<div class="e-content">${fill("a ", MAX - 200)}</div></div>`,
    "a huge script": `<script>${fill("var a=1;", MAX - 200)}</script><div class="h-entry">${link}</div>`,
    "many small elements": `<div class="h-entry">${link}${fill("<span>a</span>", MAX - 200)}</div>`,
    "many small h-entries": fill(`<div class="h-entry">${link}<p class="e-content">hi</p></div>`, MAX),
    "unclosed attributes": fill(`<a href="${"h".repeat(3000)}`, MAX),
  };

  for (const [name, html] of Object.entries(pages)) {
    it(`reads ${Math.round(html.length / 1024)} KB of ${name} in under ${CPU_MAX_MS} ms of CPU`, () => {
      expect(html.length).toBeLessThanOrEqual(MAX);
      const ms = cpuMs(() => {
        if (linksTo(html, SOURCE, target)) readSource(html, SOURCE, target);
      });
      expect(ms).toBeLessThan(CPU_MAX_MS);
    });
  }

  it("reads no more than SOURCE_HTML_MAX of HTML as microformats", () => {
    const late = `${fill(" ", SOURCE_HTML_MAX * 2)}<div class="h-entry">${link}<p class="p-name">late</p></div>`;
    expect(readSource(late, SOURCE, target).kind).toBe("mention");
  });
});
