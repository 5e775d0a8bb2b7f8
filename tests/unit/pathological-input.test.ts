import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { BlockRule } from "@/lib/comments/blocklist";
import { mentionedHosts } from "@/lib/comments/blocklist";
import { BODY_MAX } from "@/lib/comments/limits";
import {
  countLinks,
  markupCost,
  MARKUP_BUDGET,
  mayHoldMoreLinks,
  renderCommentMarkdown,
} from "@/lib/content/comment-markdown";
import { assessComment, textFingerprint } from "@/lib/comments/spam";
import { commentBodySchema, LINKS_MAX } from "@/lib/comments/validation";

// No check of a comment, nor its render, may hold the event loop: 60 KB of "*[" once took the
// validation 25 s, and every reader waited. Each step is measured in CPU time of this process (not
// wall clock, which other processes stretch), on pathological markdown at the full body length.

/** `unit` repeated to exactly `length` code points. */
function fill(unit: string, length = BODY_MAX): string {
  const points = [...unit.repeat(Math.ceil(length / [...unit].length))];
  return points.slice(0, length).join("");
}

/** Runs of `mark` of every length from 1 to 40, between letters. */
function runs(mark: string): string {
  let text = "";
  for (let n = 1; text.length < BODY_MAX; n = (n % 40) + 1) text += `${mark.repeat(n)}a`;
  return fill(text);
}

const lines = (line: string) => fill(`${line}\n`);
/** As many of `unit` as the markup budget lets the parser read, then words: the dearest parsed comments. */
function atBudget(unit: string): string {
  let text = "";
  while (markupCost(text + unit) <= MARKUP_BUDGET) text += unit;
  return fill(`${text}${"Lorem ipsum dolor sit amet ".repeat(200)}`);
}
const indentedList = () => fill(Array.from({ length: 32 }, (_, depth) => `${"  ".repeat(depth)}- a\n`).join(""));

const CORPUS: Record<string, string> = {
  "nested emphasis *a": fill("*a"),
  "nested strong **a": fill("**a"),
  "emphasis and brackets *[": fill("*["),
  "underscores _a": fill("_a"),
  "underscores and stars *a_": fill("*a_"),
  "closing stars a**": fill("a**"),
  "runs of *": runs("*"),
  "runs of _": runs("_"),
  "runs of backticks": runs("`"),
  "runs of tildes": runs("~"),
  "backticks `a": fill("`a"),
  "backticks and brackets [`": fill("[`"),
  "tildes ~~a": fill("~~a"),
  "brackets [a]": fill("[a]"),
  "brackets [": fill("["),
  "brackets ](": fill("]("),
  "brackets [*": fill("[*"),
  "images ![a](": fill("![a]("),
  "link chain [a](b)": fill("[a](b)"),
  "nested link chain [[a](b)": fill("[[a](b)"),
  "reference definitions": lines("[a]: b"),
  "reference uses": `[a]: http://a.example\n${fill("[a]", BODY_MAX - 22)}`,
  "quotes > nested": fill("> "),
  "quotes > on one line": fill(">"),
  "quotes 32 deep, each line": lines(`${"> ".repeat(32)}a`),
  "lists - nested": fill("- "),
  "lists 1. nested": fill("1. "),
  "lists 32 deep, each line": lines(`${"- ".repeat(32)}a`),
  "lists indented 32 deep": indentedList(),
  "quotes and lists > - 1. * +": fill("> - 1. * + "),
  "list items": lines("- a"),
  "tables |a|": lines("|a|"),
  "tables with rows": lines("|a|b|\n|-|-|"),
  "setext headings": lines("a\n="),
  "atx headings": lines("# a"),
  fences: lines("```"),
  "lines a": lines("a"),
  "blank lines": fill("\n"),
  "autolink literals www.a.": fill("www.a."),
  "autolink literals http://a.": fill("http://a."),
  "email literals a@b.c": fill("a@b.c "),
  "autolinks <http://a": fill("<http://a"),
  "domain-like a.": fill("a."),
  "long line without spaces": fill("a"),
  "long dotted word": fill("abcdefghi."),
  spaces: `a${fill(" ", BODY_MAX - 2)}a`,
  "mixed scripts": fill("vіagra аpple Ωmega 日本語 عربي "),
  "emoji sequences": fill("👩‍💻🇫🇷👍🏽"),
  "combining marks": fill("e\u0301\u0302\u0303"),
  "joiners inside words": fill("a\u200Db"),
  backslashes: fill("\\"),
  "escaped stars": fill("\\*"),
  "angle brackets <": fill("<"),
  "raw HTML <a": fill("<a b='"),
  "HTML comments": fill("<!--"),
  "entities &#": fill("&#"),
  "entities &#1;": fill("&#1;"),
  ...Object.fromEntries(
    ["*a", "**a", "*[", "[a](b)", "[a]: b\n", "a\n", "a\n=\n", "# a\n", "- a\n", "> - a\n", "www.a.b ", "a@b.c "].map(
      (unit) => [`within the markup budget: ${JSON.stringify(unit)}`, atBudget(unit)],
    ),
  ),
};

// Beyond the body limit, under the request limit: the validation must refuse them at once.
const OVERSIZED: Record<string, string> = {
  "*[ × 30,000": "*[".repeat(30_000),
  "**a × 20,000": "**a".repeat(20_000),
  "[a] × 20,000": "[a]".repeat(20_000),
  "> × 30,000": "> ".repeat(30_000),
  "64 KB of a": "a".repeat(64_000),
};

const RULES: BlockRule[] = [
  { id: "1", kind: "word", value: "viagra", action: "refuse" },
  { id: "2", kind: "word", value: "casino*", action: "queue" },
  { id: "3", kind: "domain", value: "spam.example", action: "refuse" },
  { id: "4", kind: "domain", value: "bad.test", action: "queue" },
];

const CPU_MAX_MS = 50;

/**
 * The CPU time of `step`, user and system, in ms: after a warm-up call (the JIT compiles on the
 * first), the least of three calls, since a garbage collection or a busy machine only ever adds.
 * `step` is given the call's number, for a render to miss its cache.
 */
function cpuMs(step: (call: number) => unknown): number {
  step(0);
  let least = Number.POSITIVE_INFINITY;
  for (let call = 1; call <= 3 && least > CPU_MAX_MS / 5; call++) {
    const start = process.cpuUsage();
    step(call);
    const { user, system } = process.cpuUsage(start);
    least = Math.min(least, (user + system) / 1000);
  }
  return least;
}

/** The same number of code points, another text: the render cache has not seen it. */
const variant = (body: string, call: number) => `${body.slice(0, -1)}${"xyzw"[call]}`;

const STEPS: Record<string, (body: string, call: number) => unknown> = {
  validate: (body) => commentBodySchema.safeParse(body),
  "count links": (body) => (mayHoldMoreLinks(body, LINKS_MAX) ? countLinks(body) : 0),
  "spam score and blocklist": (body) =>
    assessComment(
      { name: "Reader", body, ip: "203.0.113.7", browserId: null },
      { sameTextElsewhere: 0, recentFromAddress: 0 },
      RULES,
      5,
    ),
  fingerprint: (body) => textFingerprint(body),
  render: (body, call) => renderCommentMarkdown(variant(body, call)),
};

describe("pathological comments cost at most 50 ms of CPU at each step", () => {
  it("has a corpus at the full body length", () => {
    for (const body of Object.values(CORPUS)) expect([...body].length).toBe(BODY_MAX);
  });

  for (const [name, body] of Object.entries(CORPUS)) {
    it(name, () => {
      for (const [stepName, step] of Object.entries(STEPS))
        expect(
          cpuMs((call) => step(body, call)),
          `${stepName}: ms of CPU`,
        ).toBeLessThanOrEqual(CPU_MAX_MS);
    });
  }

  for (const [name, body] of Object.entries(OVERSIZED)) {
    it(`refuses ${name} (${body.length.toLocaleString("en")} characters) before parsing it`, () => {
      expect(cpuMs(() => commentBodySchema.safeParse(body))).toBeLessThanOrEqual(CPU_MAX_MS);
      expect(commentBodySchema.safeParse(body).error?.issues.map((issue) => issue.message)).toEqual([
        "Your comment can be at most 5,000 characters.",
      ]);
    });
  }
});

describe("a comment over the markup budget", () => {
  it("is shown as typed: every character, escaped, in paragraphs", () => {
    const body = `${"*[".repeat(200)}<script>alert(1)</script>\n\nhttps://spam.example and **bold**`;
    const html = renderCommentMarkdown(body);
    expect(html).toBe(
      `<p>${"*[".repeat(200)}&lt;script&gt;alert(1)&lt;/script&gt;</p>\n<p>https://spam.example and **bold**</p>`,
    );
  });

  it("holds no link, and its domains written as text are still found", () => {
    const body = `${"*a".repeat(300)} [one](https://spam.example) www.bad.test`;
    expect(countLinks(body)).toBe(0);
    const verdict = assessComment(
      { name: "Reader", body, ip: null, browserId: null },
      { sameTextElsewhere: 0, recentFromAddress: 0 },
      RULES,
      5,
    );
    expect(verdict.kind).toBe("refuse");
  });

  it("still refuses quotes and lists nested too deeply", () => {
    expect(commentBodySchema.safeParse(fill("> ")).error?.issues[0].message).toBe(
      "Your comment nests quotes or lists too deeply.",
    );
  });
});

// The scan of domain names written as text was a backtracking regex; its linear replacement finds
// the same names.
it("finds the domain names the regex found, on generated texts", () => {
  const regex = (text: string) =>
    [...text.toLowerCase().matchAll(/(?:[\p{L}\p{N}-]+\.)+\p{L}[\p{L}\p{N}-]+/gu)]
      .flatMap(([token]) => (URL.canParse(`http://${token}`) ? [new URL(`http://${token}`).hostname] : []))
      .map((host) => host.replace(/\.$/, "").replace(/^www\./, ""))
      .filter(Boolean);
  const characters = fc.constantFrom("a", "B", "w", "1", "-", ".", " ", "é", "Ω", "日", "_", "/");
  fc.assert(
    fc.property(
      fc.array(characters, { maxLength: 40 }).map((chars) => chars.join("")),
      (text) => {
        expect([...mentionedHosts(text, [])].sort()).toEqual([...new Set(regex(text))].sort());
      },
    ),
    { numRuns: 3_000 },
  );
});
