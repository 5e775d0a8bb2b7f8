import type { Nodes, Parent, PhrasingContent, Root, RootContent } from "mdast";
import { gfmAutolinkLiteralFromMarkdown } from "mdast-util-gfm-autolink-literal";
import { gfmAutolinkLiteral } from "micromark-extension-gfm-autolink-literal";
import { remark } from "remark";
import remarkHtml from "remark-html";
import type { Processor } from "unified";
import { SKIP, visit } from "unist-util-visit";
import { escapeHtml } from "../html-escape";

// Readers write a safe subset of markdown: paragraphs, emphasis, inline code, code blocks, links,
// quotes and lists. Everything else they type is shown as text, never as markup, and the HTML
// goes through an allow-list sanitizer as a second line of defence.

const SANITIZE_SCHEMA = {
  tagNames: ["p", "br", "em", "strong", "code", "pre", "a", "blockquote", "ul", "ol", "li"],
  attributes: { a: ["href", "rel"], ol: ["start"] },
  protocols: { href: ["http", "https", "mailto"] },
  strip: ["script", "style"],
  clobberPrefix: "",
  required: {},
  ancestors: {},
};

// Links in comments are the readers' own: search engines are told so (ugc) and given no credit
// from them (nofollow). They open in the same tab, so `noopener` would change nothing.
const LINK_REL = "nofollow ugc";

/** Bare URLs become links, as in GitHub-flavoured markdown (only that part of it). */
function autolinkLiterals(this: Processor) {
  const data = this.data() as { micromarkExtensions?: unknown[]; fromMarkdownExtensions?: unknown[] };
  (data.micromarkExtensions ??= []).push(gfmAutolinkLiteral());
  (data.fromMarkdownExtensions ??= []).push(gfmAutolinkLiteralFromMarkdown());
}

const text = (value: string): PhrasingContent => ({ type: "text", value });

/** Rewrites whatever falls outside the subset into plain text the reader can see. */
function commentSubset() {
  return (tree: Root) => {
    visit(tree, (node: Nodes, index, parent: Parent | undefined) => {
      if (!parent || index === undefined) return;
      let replacement: RootContent | undefined;
      switch (node.type) {
        case "html": // raw HTML is shown as typed
          replacement = text(node.value);
          break;
        case "image":
        case "imageReference":
          replacement = text(node.alt ? `[image: ${node.alt}]` : "[image]");
          break;
        case "heading":
          replacement = { type: "paragraph", children: [{ type: "strong", children: node.children }] };
          break;
        case "thematicBreak":
          parent.children.splice(index, 1);
          return [SKIP, index];
        case "text": {
          // A line break in a comment is a line break, as on GitHub, not a soft wrap.
          if (!node.value.includes("\n")) return;
          const parts: PhrasingContent[] = node.value
            .split("\n")
            .flatMap((line, i) => (i ? [{ type: "break" }, text(line)] : [text(line)]));
          parent.children.splice(index, 1, ...(parts as (typeof parent.children)[number][]));
          return [SKIP, index + parts.length];
        }
        case "link":
        case "linkReference":
          node.data = { ...node.data, hProperties: { rel: LINK_REL.split(" ") } };
          return;
        default:
          return;
      }
      parent.children[index] = replacement as (typeof parent.children)[number];
      return [SKIP, index];
    });
  };
}

const parser = remark().use(autolinkLiterals);
const renderer = remark().use(autolinkLiterals).use(commentSubset).use(remarkHtml, { sanitize: SANITIZE_SCHEMA });
// Bare links cost a third of a comment's render: their syntax is tried at the start of every word
// (an address may start there). A bare link needs "www", "http" or an address's "@" in the text,
// where a character reference (&#64;) may put them: a comment with none of these is rendered
// without it, to the same HTML (a unit test compares them): 0.16 ms rather than 0.23 for two
// short paragraphs with emphasis.
const withoutBareLinks = remark().use(commentSubset).use(remarkHtml, { sanitize: SANITIZE_SCHEMA });
const MAY_HOLD_BARE_LINK = /www|http|[@&]/i;
const processorFor = (markdown: string) => (MAY_HOLD_BARE_LINK.test(markdown) ? renderer : withoutBareLinks);

// Every page view renders the comments it shows, and rendering costs far more than reading a
// row (remark, then the sanitizer), so the HTML is kept by the markdown it came from (a Map hashes
// the text): an edit is new text and misses. Bounded by the characters held, markdown and HTML;
// the least recently used go first (a Map keeps insertion order).
const CACHE_MAX_CHARS = 8_000_000;
const cache = new Map<string, string>();
let cachedChars = 0;

/** A reader's comment as safe HTML. */
export function renderCommentMarkdown(markdown: string): string {
  const hit = cache.get(markdown);
  if (hit !== undefined) {
    cache.delete(markdown); // to the most recent end
    cache.set(markdown, hit);
    return hit;
  }
  const html = renderSafely(markdown);
  cache.set(markdown, html);
  cachedChars += markdown.length + html.length;
  for (const [oldest, value] of cache) {
    if (cachedChars <= CACHE_MAX_CHARS) break;
    cache.delete(oldest);
    cachedChars -= oldest.length + value.length;
  }
  return html;
}

// A code block scrolls sideways inside a comment (overflow-x): a reader without a mouse scrolls it
// only once it takes focus, and a focusable block needs a role and name to say what it is. After
// the allow-list every <pre> is exactly "<pre>" (no attribute survives it, and typed text is
// escaped), so the attributes go in by replacing that tag. Pages only: a mail does not scroll.
const FOCUSABLE_PRE = '<pre tabindex="0" role="region" aria-label="Code">';

/**
 * The version of what renderCommentForPage makes of a comment, stored with the HTML it keeps in
 * each comment's row (lib/comments/store): bump it with any change to the markdown rules, the
 * sanitizer or FOCUSABLE_PRE, or to the packages that render (tests/unit/comment-html-version.test.ts
 * fails until it is), and every HTML stored before is rendered again instead of shown.
 */
export const COMMENT_HTML_VERSION = 1;

const focusable = (html: string) => (html.includes("<pre>") ? html.replaceAll("<pre>", FOCUSABLE_PRE) : html);

/** A reader's comment as safe HTML for a page: renderCommentMarkdown, its code blocks focusable. */
export function renderCommentForPage(markdown: string): string {
  return focusable(renderCommentMarkdown(markdown));
}

/**
 * renderCommentForPage() past the cache, for the HTML a comment's row keeps: rendered once, when
 * the body is written, and read from the row after, so caching it would only push out what pages
 * and mails read.
 */
export const renderCommentToStore = (markdown: string): string => focusable(renderSafely(markdown));

// Thousands of nested quotes or lists overflow the parser's recursion (a RangeError), and take
// seconds before they do. Validation refuses such comments (countLinks); one stored before that
// rule is shown as typed, as is a comment over the markup budget.
function renderSafely(markdown: string, processor = processorFor(markdown)): string {
  if (!parsable(markdown)) return asTypedHtml(markdown);
  try {
    return String(processor.processSync(markdown)).trim();
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    return asTypedHtml(markdown);
  }
}

/** renderCommentMarkdown() with bare links looked for in every comment, uncached: what the shortcut must agree with. */
export const renderWithBareLinks = (markdown: string): string => renderSafely(markdown, renderer);

/** A comment shown as typed: its text escaped, blank lines between paragraphs, line breaks kept. */
function asTypedHtml(markdown: string): string {
  return markdown
    .trim()
    .split(/\n[ \t]*\n\s*/)
    .map((paragraph) => `<p>${escapeHtml(paragraph).replace(/\n/g, "<br>\n")}</p>`)
    .join("\n");
}

// The parser (micromark) is quadratic, or worse, in the number of some constructs: emphasis marks,
// brackets, link and reference definitions, setext headings, lines of a paragraph, nested
// containers. 5,000 characters of "*a" took 0.6 s; of "- ", 10 s; 60 KB of "*[", 50 s. So a comment
// is parsed only when the marks the parser may act on are few enough for any arrangement of them
// to cost a few milliseconds: each run of * _ ` ~ # =, each [ ] < & \ ! | @, each line, each
// quote or list marker opening a line and each bare link's start count one. Ordinary comments
// hold a few dozen; a comment over the budget is shown as typed, every character of it as text
// (no formatting, no links: countLinks and linksAndText agree). At 200 the dearest arrangement
// cost 30 ms on a busy two-core machine, past 50 with both cores taken; the cost grows with the
// square of the count, so 100 keeps it near a quarter of that.
export const MARKUP_BUDGET = 100;

/** The budget's measure of a comment's markup (above); one pass, linear. */
export function markupCost(markdown: string): number {
  let cost = 0;
  for (let i = 0; i < markdown.length; i++) {
    const char = markdown[i];
    if ("*_`~#=".includes(char)) {
      if (markdown[i - 1] !== char) cost++;
    } else if ("[]<&\\!|@\n".includes(char)) cost++;
  }
  cost += markdown.match(/www\.|https?:/gi)?.length ?? 0;
  for (const [prefix] of markdown.matchAll(BLOCK_PREFIX)) cost += prefix.match(CONTAINER_MARK)?.length ?? 0;
  return cost;
}

/** Whether the parser may read `markdown`: not nested too deeply, within the markup budget. */
const parsable = (markdown: string) => nestingDepth(markdown) <= MAX_NESTING && markupCost(markdown) <= MARKUP_BUDGET;

const MAX_NESTING = 32;
// The quote and list markers that open a line ("> > - 1. text"); each is one match of the repeated
// group, so no backtracking.
const BLOCK_PREFIX = /^(?:[ \t]*(?:>|[-*+](?=\s)|\d{1,9}[.)](?=\s)))+/gm;
const CONTAINER_MARK = />|[-*+]|\d{1,9}[.)]/g;
/** The most quote and list markers that open one line ("> > - 1. text" is 4): a cheap bound. */
function nestingDepth(markdown: string): number {
  let deepest = 0;
  for (const line of markdown.split("\n")) {
    const prefix = /^(?:\s*(?:>|[-*+](?=\s)|\d{1,9}[.)](?=\s)))*/.exec(line)?.[0] ?? "";
    deepest = Math.max(deepest, (prefix.match(CONTAINER_MARK) ?? []).length);
  }
  return deepest;
}

// Parsing is the dearest part of checking a comment (5% of a post's CPU): a body with no more
// link marks than the limit cannot hold more links than that, so it need not be parsed. Each link
// or reference opens with a "[" of its own, an autolink with "<", a bare one holds "www.",
// "http(s):" or an address's "@" (in any case). A line that opens two quotes or lists might nest
// thousands deep (which only the parser finds out), so such a body is parsed too.
const LINK_MARKS = /[[<@]|www\.|https?:/gi;
// [ \t]* rather than \s*, which would read on across lines from every one of 5,000 blank lines.
const NESTED_LINE = /^[ \t]*(?:[>*+-]|\d+[.)])\s*(?:[>*+-]|\d+[.)])/m;

/** Whether `markdown` might hold more than `max` links or nest too deeply: countLinks() tells. */
export function mayHoldMoreLinks(markdown: string, max: number): boolean {
  return NESTED_LINE.test(markdown) || (markdown.match(LINK_MARKS)?.length ?? 0) > max;
}

/**
 * How many links a comment shows (written, referenced or bare), for the links-per-comment limit;
 * Infinity when it nests too deeply to be parsed at all.
 */
export function countLinks(markdown: string): number {
  if (nestingDepth(markdown) > MAX_NESTING) return Number.POSITIVE_INFINITY;
  if (markupCost(markdown) > MARKUP_BUDGET) return 0; // shown as typed: no link
  let links = 0;
  try {
    visit(parser.parse(markdown), (node) => {
      if (node.type === "link" || node.type === "linkReference") links++;
    });
  } catch (error) {
    if (error instanceof RangeError) return Number.POSITIVE_INFINITY;
    throw error;
  }
  return links;
}

// The parse costs about 0.15 ms even for a sentence (micromark reads it character by character,
// through every construct's hooks): a tenth of a post's CPU, for a link the spam score looks for.
// Most comments are lines of words with at most inline links, [label](address): for those the
// addresses and the text around them are read off directly. Anything that may open another
// construct goes to the parser: a line opening a block (list, quote, heading, code, rule), a mark of
// raw HTML or an autolink (<), an image (![), a character reference (&), an escape (\), a code
// span (`), a bare link (www., http:, https:, @) or a bracket outside such a link. A unit test
// checks that both agree on generated texts.
// No bracket in the address: "[a](b[a](b…" would scan to the end from every "[" (quadratic); a
// link whose address holds one is left to the parser.
const PLAIN_LINK = /\[([^[\]\n]*)\]\(([^\s()<>\\[\]]+)\)/g;
const NOT_PLAIN = /[<&\\`@\r[\]]|www\.|https?:|^(?:[ \t#>+*=_|~-]|\d+[.)])/im;

/** linksAndText() of a comment of plain lines and inline links; null for any other. */
export function plainLinksAndText(markdown: string): { urls: string[]; text: string } | null {
  if (markdown.includes("![")) return null;
  // What the links say stays in to be checked: a code span or raw HTML there would win over the link.
  if (NOT_PLAIN.test(markdown.replace(PLAIN_LINK, (_, label: string) => label))) return null;
  const urls: string[] = [];
  const text = markdown.replace(PLAIN_LINK, (_, _label: string, url: string) => {
    urls.push(url);
    return " ";
  });
  return { urls, text };
}

/**
 * The addresses a comment links to (written, referenced or bare), in order, and its text outside
 * them: for the spam score and the blocked domains. Empty when it nests too deeply to be parsed
 * (validation refuses those).
 */
export const linksAndText = (markdown: string): { urls: string[]; text: string } =>
  (markupCost(markdown) <= MARKUP_BUDGET && plainLinksAndText(markdown)) || parsedLinksAndText(markdown);

/** linksAndText() by the parser, for any comment. */
export function parsedLinksAndText(markdown: string): { urls: string[]; text: string } {
  if (nestingDepth(markdown) > MAX_NESTING) return { urls: [], text: "" };
  if (markupCost(markdown) > MARKUP_BUDGET) return { urls: [], text: markdown }; // shown as typed
  const urls: string[] = [];
  const references: string[] = [];
  const definitions = new Map<string, string>();
  const text: string[] = [];
  try {
    visit(parser.parse(markdown), (node) => {
      if (node.type === "link") urls.push(node.url);
      else if (node.type === "linkReference") references.push(node.identifier.toLowerCase());
      else if (node.type === "definition") definitions.set(node.identifier.toLowerCase(), node.url);
      else if (node.type === "text" || node.type === "inlineCode" || node.type === "code") text.push(node.value);
      // What a link says is the link's, not the reader's own words.
      return node.type === "link" || node.type === "linkReference" ? SKIP : undefined;
    });
  } catch (error) {
    if (error instanceof RangeError) return { urls: [], text: "" };
    throw error;
  }
  for (const reference of references) {
    const url = definitions.get(reference);
    if (url) urls.push(url);
  }
  return { urls, text: text.join(" ") };
}

export const linkUrls = (markdown: string): string[] => linksAndText(markdown).urls;
