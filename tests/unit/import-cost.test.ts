import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  htmlToMarkdown,
  MAX_ELEMENTS,
  MAX_FORMATTING_ELEMENTS,
  MAX_LIST_DEPTH,
  MAX_OPEN_ELEMENTS,
  MAX_QUOTE_DEPTH,
} from "@/lib/comments/import/html-to-markdown";
import { IMPORT_BODY_HARD_MAX } from "@/lib/comments/import/validate";
import { renderCommentMarkdown } from "@/lib/content/comment-markdown";
import { readDisqus } from "@/lib/comments/import/disqus";
import { MAX_RECORD_DEPTH, type SourceRecord } from "@/lib/comments/import/source";
import { english } from "../support/import-said";

// Issue 24: a crafted body froze the site (`<ul><li>` × 10,000 took 10 s, `x<br>` × 40,000 more
// than a minute). Costs are CPU time (process.cpuUsage), not wall time: the ratio of the costs of
// inputs of size n and 4n must stay far below the 16 of a quadratic cost, the inputs at
// their own sizes must cost well under a second, and every shape at the length of the longest
// body an import keeps (IMPORT_BODY_HARD_MAX) well under 50 ms.

const cpuMs = (run: () => unknown) => {
  const start = process.cpuUsage();
  run();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
};
/** The cheapest of a few runs: the noise (a GC, another process) only ever adds. */
const cost = (run: () => unknown) => Math.min(cpuMs(run), cpuMs(run), cpuMs(run));

const SHAPES: Record<string, (n: number) => string> = {
  "<ul><li> × n": (n) => "<ul><li>".repeat(n),
  "x<br> × n": (n) => "x<br>".repeat(n),
  "<p>x × n": (n) => "<p>x".repeat(n),
  "<blockquote> × n": (n) => "<blockquote>q".repeat(n),
  "<a href> × n, nested": (n) => '<a href="https://example.com/">x'.repeat(n),
  "<b> × n then stray </i> × n": (n) => "<b>".repeat(n) + "</i>".repeat(n),
  "<em>x</em> × n": (n) => "<em>x</em> ".repeat(n),
  "an unclosed quote in a tag, n times": (n) => '<a href="x'.repeat(n),
  "unclosed comments and tags": (n) => "<!-- x <a <b ".repeat(n),
  "newlines kept": (n) => "line\n".repeat(n),
  // Deep nesting of each kind, and what makes the HTML standard's reading itself cost more than
  // in proportion (html-parser.ts): each paragraph reopens every unclosed `<b>` before it.
  "<div> × n": (n) => "<div>x".repeat(n),
  "<b> × n": (n) => "<b>x".repeat(n),
  "<table><tr><td> × n": (n) => "<table><tr><td>x".repeat(n),
  "<b class> left open in each of n paragraphs": (n) =>
    Array.from({ length: n }, (_, i) => `<p><b class="c${i}">x</p>`).join(""),
  "an attribute list of n names": (n) => `<b ${Array.from({ length: n }, (_, i) => `a${i}`).join(" ")}>x</b>`,
};
// One long string each: measured from 25 KB to 100 KB, below the 128 KB past which V8 keeps a
// string in its large-object space at a higher cost per byte (a step the ratio would measure).
const LONG_STRINGS: Record<string, (n: number) => string> = {
  "entities × n": (n) => "&amp;&eacute;&#233;&#x1F600;&bogus;".repeat(n),
  "one long attribute": (n) => `<a href="https://example.com/${"a".repeat(n * 8)}">x</a>`,
  "spaces then text in <pre>": (n) => `<pre>${" ".repeat(n * 8)}x</pre>`,
};

describe("converting imported HTML costs time in proportion to its length", () => {
  const shapes = [
    ...Object.entries(SHAPES).map(([shape, make]) => ({ shape, make, bytes: 100_000 })),
    ...Object.entries(LONG_STRINGS).map(([shape, make]) => ({ shape, make, bytes: 25_000 })),
  ];
  for (const { shape, make, bytes } of shapes) {
    it(shape, () => {
      // n such that the smaller input is 100 KB, the larger 400 KB (twice what a field may hold),
      // or 25 KB and 100 KB.
      const n = Math.ceil(bytes / make(1).length);
      const small = make(n);
      const large = make(4 * n);
      for (const newlines of ["collapse", "keep"] as const) {
        const convert = (input: string, times: number) => () => {
          for (let i = 0; i < times; i++) htmlToMarkdown(input, { newlines });
        };
        convert(large, 1)(); // warm up: compiled code, a heap grown to size
        // Cheap shapes are converted several times per measure, so that it is well above the
        // clock's grain: both sizes the same number of times.
        const times = Math.min(50, Math.ceil(20 / Math.max(0.1, cpuMs(convert(small, 1)))));
        // A collection of the heap's garbage may land in either measure: the best of three
        // tries counts (a quadratic cost gives 16× every time).
        const ratios: number[] = [];
        while (ratios.length < 3 && Math.min(...ratios) >= 8)
          ratios.push(cost(convert(large, times)) / cost(convert(small, times)));
        const ratio = Math.min(...ratios);
        expect(ratio, `${shape} (${newlines}): 4× the input cost ${ratio.toFixed(1)}×`).toBeLessThan(8);
      }
    });
  }

  it("the issue's inputs at their sizes take well under a second each", () => {
    for (const input of ["<ul><li>".repeat(10_000), "x<br>".repeat(40_000), "<p>x".repeat(30_000)]) {
      expect(cpuMs(() => htmlToMarkdown(input))).toBeLessThan(1_000);
    }
  });

  it("every shape the size of the longest body takes well under 50 ms", () => {
    for (const [shape, make] of Object.entries({ ...SHAPES, ...LONG_STRINGS })) {
      const input = make(Math.ceil(IMPORT_BODY_HARD_MAX / make(1).length)).slice(0, IMPORT_BODY_HARD_MAX);
      for (const newlines of ["collapse", "keep"] as const) {
        for (let i = 0; i < 3; i++) htmlToMarkdown(input, { newlines }); // warm up
        const ms = cost(() => htmlToMarkdown(input, { newlines }));
        expect(ms, `${shape} (${newlines}): ${ms.toFixed(1)} ms`).toBeLessThan(50);
      }
    }
  });

  it("keeps what the markup said, with quotes nested at most MAX_QUOTE_DEPTH deep", () => {
    expect(htmlToMarkdown("<ul><li>one<li>two</ul><p>x<br>y")).toBe("- one\n- two\n\nx\ny");
    expect(htmlToMarkdown("<p><b>bold<p>next")).toBe("**bold**\n\nnext");
    expect(htmlToMarkdown('<a href="https://a.example/"><a href="https://b.example/">in</a></a>')).toBe(
      "[in](https://a.example/)",
    );
    // remark-stringify escapes a "<" only where markdown would read a tag: the same text shown.
    expect(htmlToMarkdown("a < b, c > d</span> &amp; &#233;")).toBe("a < b, c > d & é");
    const deep = htmlToMarkdown(`${"<blockquote>".repeat(50)}deep`);
    expect(deep).toBe(`${"> ".repeat(MAX_QUOTE_DEPTH)}deep`);
  });

  it("reads the HTML as a browser does, within bounds, and writes markdown showing no tag", () => {
    expect(
      htmlToMarkdown(
        '<p>See <img alt="a cat"> <script>x()</script><iframe src="https://e.example/">f</iframe>and ' +
          '<a href="javascript:alert(1)">this</a>, <a href="mailto:a@e.example">mail</a></p>',
      ),
    ).toBe("See \\[image: a cat] and this, [mail](mailto:a@e.example)");
    expect(htmlToMarkdown("<h2>Title <b>b</b></h2><pre><code>a < b\n```</code></pre><p><code>x*y</code>")).toBe(
      "**Title b**\n\n````\na < b\n```\n````\n\n`x*y`",
    );
    // WordPress: a blank line is a paragraph, a newline a line break; a block inside emphasis
    // splits it as the paragraph does.
    expect(
      htmlToMarkdown("one\ntwo\n\nthree <b>four\n\nfive</b>\n<ul>\n<li>six</li>\n</ul>", { newlines: "keep" }),
    ).toBe("one\ntwo\n\nthree **four**\n\n**five**\n\n- six");
    expect(htmlToMarkdown("<b>a<p>b</p></b> # c\n- d", { newlines: "collapse" })).toBe("**a**\n\n**b**\n\n\\# c - d");
    const lists = htmlToMarkdown(`<ul>${"<li>x<ul>".repeat(20)}deep`);
    expect(lists.split("\n").filter((line) => line.trimStart().startsWith("- "))).toHaveLength(MAX_LIST_DEPTH);
    // The bounds of the parser: past them a start tag opens nothing; its text stays.
    expect(htmlToMarkdown(`${"<div>".repeat(MAX_OPEN_ELEMENTS - 5)}<b>x</b>`)).toBe("**x**");
    expect(htmlToMarkdown(`${"<div>".repeat(MAX_OPEN_ELEMENTS)}<b>x</b>`)).toBe("x");
    // Formatting elements of one kind are kept three at most anyway (the standard's "Noah's Ark").
    const formatting = (count: number) =>
      `${["<u>", "<s>", "<small>", "<big>", "<font>"].slice(0, count).join("")}<b>x</b>`;
    expect(htmlToMarkdown(formatting(MAX_FORMATTING_ELEMENTS - 1))).toBe("**x**");
    expect(htmlToMarkdown(formatting(MAX_FORMATTING_ELEMENTS))).toBe("x");
    // Past MAX_ELEMENTS, the rest of the comment is its text.
    expect(htmlToMarkdown("<b>x</b> ".repeat(MAX_ELEMENTS + 10)).split("**x**")).toHaveLength(MAX_ELEMENTS + 1);
    // Text that looks like markup is shown as text, whatever it holds.
    const typed = "&lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=y&gt; <b>&lt;/b&gt;&lt;i&gt;*</b>";
    const shown = renderCommentMarkdown(htmlToMarkdown(typed));
    expect(shown).not.toMatch(/<(script|img|i)\b/);
    expect(shown).toContain("alert(1)");
  });
});

describe("reading XML exports costs time in proportion to their length", () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "marginalia-import-cost-"));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  /** A Disqus export whose first post holds `depth` nested elements. */
  const disqus = (depth: number, inner = (d: number) => "<x>".repeat(d) + "</x>".repeat(d)) => {
    const file = path.join(tmp, `deep-${depth}-${Math.random().toString(36).slice(2)}.xml`);
    fs.writeFileSync(
      file,
      `<?xml version="1.0"?>\n<disqus>\n<thread dsq:id="1"><link>https://a.example/articles/a</link></thread>\n` +
        `<post dsq:id="deep"><message>hi</message><thread dsq:id="1"/>${inner(depth)}</post>\n` +
        `<post dsq:id="fine"><message>ok</message><thread dsq:id="1"/></post>\n</disqus>\n`,
    );
    return file;
  };
  const readAll = async (file: string) => {
    const records: SourceRecord[] = [];
    for await (const record of readDisqus(file)) records.push(record);
    return records;
  };
  const asyncCpuMs = async (run: () => Promise<unknown>) => {
    const start = process.cpuUsage();
    await run();
    const used = process.cpuUsage(start);
    return (used.user + used.system) / 1000;
  };

  it("a post nested past MAX_RECORD_DEPTH is skipped, named by its line; the next one is read", async () => {
    const records = await readAll(disqus(MAX_RECORD_DEPTH + 1));
    expect(
      records.map((r) => [
        english(r.record),
        r.kind === "skip" ? english(r.detail) : r.kind === "comment" ? r.state : r.kind,
      ]),
    ).toEqual([
      ['post dsq:id="deep" (line 4)', expect.stringContaining(`more than ${MAX_RECORD_DEPTH} deep`)],
      ['post dsq:id="fine" (line 5)', "published"],
    ]);
    expect((await readAll(disqus(MAX_RECORD_DEPTH - 1)))[0].kind).toBe("comment");
  });

  it("nesting 20,000 and 60,000 deep costs in proportion, well under a second", async () => {
    const small = disqus(20_000);
    const large = disqus(80_000);
    await readAll(small); // warm up
    const smallMs = await asyncCpuMs(() => readAll(small));
    const largeMs = await asyncCpuMs(() => readAll(large));
    expect(largeMs / Math.max(1, smallMs)).toBeLessThan(8);
    expect(await asyncCpuMs(() => readAll(disqus(60_000)))).toBeLessThan(1_000);
  });

  it("a stray closing tag under deep nesting stops the reading at once", async () => {
    const file = disqus(20_000, (d) => "<x>".repeat(d) + "</y>".repeat(d));
    const started = process.cpuUsage();
    await expect(readAll(file)).rejects.toMatchObject({ field: "xml" });
    const used = process.cpuUsage(started);
    expect((used.user + used.system) / 1000).toBeLessThan(1_000);
  });
});
