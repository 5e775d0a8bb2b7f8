// `npx tsx bench/html-to-markdown.ts`: the importers' HTML to markdown (lib/comments/import/
// html-to-markdown.ts: parse5 bounded, rehype-remark, remark-stringify) on three corpora: the
// HTML bodies of the import fixtures (tests/fixtures/import, the real exports among them), 200
// generated comments of about 5 KB (paragraphs, links, emphasis, a quote, a list, code), and the
// pathological shapes of tests/unit/import-cost.test.ts at 50,000 characters (the longest body an
// import keeps). CPU time per comment (process.cpuUsage), the median of BENCH_ROUNDS (default 7)
// runs. BENCH_BASELINE=<module> times another converter beside it (the hand-written one it
// replaced, from git, in a folder whose node_modules resolve). Not a test, nothing written:
// docs/performance.md quotes a run.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { htmlToMarkdown } from "../lib/comments/import/html-to-markdown";

type Convert = (html: string, options?: { newlines?: "keep" | "collapse" }) => string;
type Body = { html: string; newlines: "keep" | "collapse" };

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const FIXTURES = path.resolve(import.meta.dirname, "../tests/fixtures/import");
const LONGEST = 50_000;

const cpuMs = (run: () => void) => {
  const start = process.cpuUsage();
  run();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
};
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const unescapeXml = (text: string) =>
  text
    .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, decimal: string) => String.fromCodePoint(Number(decimal)))
    .replace(
      /&(lt|gt|quot|apos|amp);/g,
      (_, name: string) => ({ lt: "<", gt: ">", quot: '"', apos: "'", amp: "&" })[name]!,
    );

/** The HTML bodies of the fixtures: Disqus messages, WordPress comments (newlines kept), Remark42 texts. */
function fixtureBodies(): Body[] {
  const files = [FIXTURES, path.join(FIXTURES, "real")].flatMap((dir) =>
    fs.readdirSync(dir).map((name) => path.join(dir, name)),
  );
  const bodies: Body[] = [];
  for (const file of files) {
    if (file.endsWith(".jsonl")) {
      for (const line of fs.readFileSync(file, "utf8").split("\n")) {
        const text = line.trim() ? (JSON.parse(line) as { text?: unknown }).text : undefined;
        if (typeof text === "string" && text.trim()) bodies.push({ html: text, newlines: "collapse" });
      }
      continue;
    }
    if (!file.endsWith(".xml")) continue;
    const xml = fs.readFileSync(
      file,
      /encoding="ISO-8859-1"/i.test(fs.readFileSync(file, "latin1").slice(0, 100)) ? "latin1" : "utf8",
    );
    for (const [tag, newlines] of [
      ["message", "collapse"],
      ["wp:comment_content", "keep"],
    ] as const) {
      for (const [, inner] of xml.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, "g"))) {
        const cdata = /^\s*<!\[CDATA\[([\s\S]*)\]\]>\s*$/.exec(inner);
        const html = cdata ? cdata[1] : unescapeXml(inner);
        if (html.trim()) bodies.push({ html, newlines });
      }
    }
  }
  return bodies;
}

/** Comments of about 5 KB, the same every run (a small linear congruential generator). */
function generatedBodies(count: number): Body[] {
  let seed = 42;
  const next = (n: number) => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) % n;
  const words = "the monolith service deploy latency queue database schema team boundary cost we it".split(" ");
  const sentence = () => {
    const parts = Array.from({ length: 8 + next(12) }, () => words[next(words.length)]);
    const at = next(parts.length);
    const marks = [
      (w: string) => `<a href="https://example.com/${w}?q=${next(1000)}">${w}</a>`,
      (w: string) => `<em>${w}</em>`,
      (w: string) => `<strong>${w}</strong>`,
      (w: string) => `<code>${w}()</code>`,
      (w: string) => `${w} &amp; ${w} &lt; 3`,
    ];
    parts[at] = marks[next(marks.length)](parts[at]);
    return `${parts.join(" ")}.`;
  };
  const paragraph = () => `<p>${Array.from({ length: 3 + next(4) }, sentence).join(" ")}</p>`;
  return Array.from({ length: count }, () => {
    const blocks = [
      `<blockquote><p>${sentence()}</p></blockquote>`,
      `<ul>${Array.from({ length: 3 }, () => `<li>${sentence()}</li>`).join("")}</ul>`,
      `<pre><code>const x = ${next(100)};\nif (x < 10) run();</code></pre>`,
    ];
    let html = "";
    while (html.length < 5_000) html += next(4) === 0 ? blocks[next(blocks.length)] : paragraph();
    return { html, newlines: "collapse" as const };
  });
}

const SHAPES: Record<string, (n: number) => string> = {
  "<ul><li>": (n) => "<ul><li>".repeat(n),
  "x<br>": (n) => "x<br>".repeat(n),
  "<p>x": (n) => "<p>x".repeat(n),
  "<blockquote>": (n) => "<blockquote>q".repeat(n),
  "<a href>, nested": (n) => '<a href="https://example.com/">x'.repeat(n),
  "<b> then stray </i>": (n) => "<b>".repeat(n) + "</i>".repeat(n),
  "<em>x</em>": (n) => "<em>x</em> ".repeat(n),
  "<div>": (n) => "<div>x".repeat(n),
  "<b>": (n) => "<b>x".repeat(n),
  "<table><tr><td>": (n) => "<table><tr><td>x".repeat(n),
  "<b class> left open per paragraph": (n) => Array.from({ length: n }, (_, i) => `<p><b class="c${i}">x</p>`).join(""),
  "an attribute list": (n) => `<b ${Array.from({ length: n }, (_, i) => `a${i}`).join(" ")}>x</b>`,
  "unclosed comments and tags": (n) => "<!-- x <a <b ".repeat(n),
  entities: (n) => "&amp;&eacute;&#233;&#x1F600;&bogus;".repeat(n),
  "text to escape": (n) => "a < b * c _ d [e] `f` ".repeat(n),
  "newlines kept": (n) => "line\n".repeat(n),
};

/** CPU µs per body, the median of ROUNDS runs over all of them (after one to warm up). */
function timePerBody(convert: Convert, bodies: Body[]): number {
  const once = () => {
    for (const body of bodies) convert(body.html, { newlines: body.newlines });
  };
  once();
  return (median(Array.from({ length: ROUNDS }, () => cpuMs(once))) * 1000) / bodies.length;
}

function report(name: string, convert: Convert) {
  const corpora: [string, Body[]][] = [
    ["fixtures (HTML bodies)", fixtureBodies()],
    ["generated ~5 KB comments", generatedBodies(200)],
  ];
  console.log(`\n${name}`);
  for (const [corpus, bodies] of corpora) {
    const chars = bodies.reduce((sum, body) => sum + body.html.length, 0) / bodies.length;
    const us = timePerBody(convert, bodies);
    console.log(
      `  ${corpus}: ${bodies.length} comments of ${Math.round(chars)} characters on average: ` +
        `${us.toFixed(0)} µs a comment, ${Math.round(1e6 / us).toLocaleString("en")} comments/s`,
    );
  }
  const rows = Object.entries(SHAPES).map(([shape, make]) => {
    const html = make(Math.ceil(LONGEST / make(1).length)).slice(0, LONGEST);
    const ms = (["collapse", "keep"] as const).map((newlines) => timePerBody(convert, [{ html, newlines }]) / 1000);
    return { shape, ms: Math.max(...ms) };
  });
  console.log(
    `  pathological, ${LONGEST.toLocaleString("en")} characters (ms, the dearer of both readings of newlines):`,
  );
  for (const { shape, ms } of rows) console.log(`    ${shape.padEnd(34)} ${ms.toFixed(1)}`);
  const worst = rows.reduce((a, b) => (b.ms > a.ms ? b : a));
  console.log(`  worst: ${worst.shape}, ${worst.ms.toFixed(1)} ms`);
}

console.log(
  `${os.cpus().length} cores, load ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}, Node ${process.version}, median of ${ROUNDS} rounds`,
);
report("parse5 (bounded) → rehype-remark → remark-stringify", htmlToMarkdown);
if (process.env.BENCH_BASELINE) {
  const baseline = (await import(path.resolve(process.env.BENCH_BASELINE))) as { htmlToMarkdown: Convert };
  report(`baseline: ${process.env.BENCH_BASELINE}`, baseline.htmlToMarkdown);
}
