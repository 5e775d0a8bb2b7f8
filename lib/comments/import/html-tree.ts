import type { Element, ElementContent, Root } from "hast";
import { html as spec, type DefaultTreeAdapterTypes as P5 } from "parse5";
import { parseHtml } from "./html-parser";

// An imported comment's HTML, read as a browser reads it (html-parser.ts: parse5, bounded), into a
// small hast tree for rehype-remark (html-to-markdown.ts). The tree holds only what markdown can
// say: paragraphs and other blocks, quotes, lists, code, links, emphasis, line breaks, headings;
// any other element gives its content (a `<span>`) or nothing (a `<script>`). rehype-parse is not
// used: its conversion of parse5's tree recurses once per level of nesting, and it would keep
// every element, while rehype-remark and remark-stringify cost about 10 µs per node (fine for a
// comment, not for 20,000 `<br>`s). So the tree is built here in one walk with its own stack and
// bounded as it is built (issue 24): MAX_QUOTE_DEPTH quotes, MAX_LIST_DEPTH lists, MAX_ELEMENTS
// elements in all; past a bound an element gives its content only.

/** Quotes nested in the markdown (the comment markdown refuses more than 32 levels of nesting). */
export const MAX_QUOTE_DEPTH = 5;
/** Lists nested in the markdown; a deeper list's items are paragraphs. */
export const MAX_LIST_DEPTH = 5;
/** Elements kept in all: past them, the rest of the comment is its text. */
export const MAX_ELEMENTS = 250;

declare module "hast" {
  interface ElementData {
    /** A `br` made of a blank line in a WordPress body: a paragraph's end. */
    paragraph?: true;
  }
}

const FLOW =
  "address article aside body center details div dl dt dd fieldset figcaption figure footer form header hgroup html legend main nav section summary table caption thead tbody tfoot tr";
/** The element each tag becomes; tags not named give their content. */
const KEEP = new Map<string, string>([
  ...FLOW.split(" ").map((tag) => [tag, "div"] as const),
  ...["p", "blockquote", "ul", "ol", "li", "pre", "code", "a", "strong", "em", "br", "hr"].map(
    (tag) => [tag, tag] as const,
  ),
  ...["h1", "h2", "h3", "h4", "h5", "h6"].map((tag) => [tag, "h1"] as const),
  ["dir", "ul"],
  ["menu", "ul"],
  ["listing", "pre"],
  ["xmp", "pre"],
  ["plaintext", "pre"],
  ["kbd", "code"],
  ["samp", "code"],
  ["tt", "code"],
  ["b", "strong"],
  ["i", "em"],
]);
/** Elements dropped with their content: code, styles, embedded things, forms' controls, metadata. */
const DROP = new Set(
  "script style iframe frame frameset noembed noframes object embed applet audio video canvas map template title textarea select datalist input button head meta link base".split(
    " ",
  ),
);
/** Tags that end a line of text: given only their content, they are set apart by spaces. */
const BLOCKS = new Set(["div", "p", "blockquote", "ul", "ol", "li", "pre", "h1", "br", "hr", "td", "th"]);
const endsLine = (node: P5.ChildNode | undefined) =>
  node !== undefined && "tagName" in node && BLOCKS.has(KEEP.get(node.tagName) ?? node.tagName);
const INLINE_MARKS = new Set(["a", "strong", "em", "code"]);
const SAFE_HREF = /^(?:https?:|mailto:)/i;

type Into = Root | Element;
/** What the elements open around a node say about it. */
type Context = { quotes: number; lists: number; marks: ReadonlySet<string>; pre: boolean };
/** What sets an element given its content only apart from its neighbours. */
type Separator = "" | " " | "\n" | '"' | "paragraph";
/** Nodes read into `into`: a kept element's content (`parent` holds it), or an element's given. */
type Frame = { nodes: P5.ChildNode[]; index: number; into: Into; context: Context; parent?: Into; after?: Separator };

/**
 * The bounded tree of `html`. With `keepNewlines` (WordPress), newlines outside `<pre>` are kept,
 * and a blank line is a `br` marked as a paragraph's end; otherwise white space is HTML's.
 */
export function readHtmlTree(html: string, keepNewlines: boolean): Root {
  const root: Root = { type: "root", children: [] };
  const nodes = parseHtml(html);
  const tree = new TreeBuilder(keepNewlines);
  const top: Context = { quotes: 0, lists: 0, marks: new Set(), pre: false };
  const stack: Frame[] = [{ nodes, index: 0, into: root, context: top }];
  while (stack.length > 0) {
    const frame = stack[stack.length - 1];
    if (frame.index === frame.nodes.length) {
      stack.pop();
      if (frame.parent) settle(frame.into as Element, frame.parent);
      if (frame.after) tree.separate(frame.into, frame.after);
      continue;
    }
    const node = frame.nodes[frame.index++];
    const { into, context } = frame;
    if (node.nodeName === "#text") {
      // A newline beside a block's edge or a `br` is no line break of its own (as WordPress has it).
      const edge = into.type === "root" || !INLINE_MARKS.has(into.tagName);
      const before = frame.index > 1 ? endsLine(frame.nodes[frame.index - 2]) : edge;
      const after = frame.index < frame.nodes.length ? endsLine(frame.nodes[frame.index]) : edge;
      const newlines = !context.pre && !context.marks.has("code");
      tree.text(into, (node as P5.TextNode).value, newlines, before, after);
      continue;
    }
    if (!("tagName" in node) || node.namespaceURI !== spec.NS.HTML || DROP.has(node.tagName)) continue;
    const made = tree.element(node, into, context);
    if (typeof made === "string") tree.text(into, made, false);
    else if (made) {
      into.children.push(made.element);
      stack.push({ nodes: node.childNodes, index: 0, into: made.element, context: made.context, parent: into });
    } else {
      const around = separator(node.tagName, context);
      tree.separate(into, around);
      const inner = node.tagName === "pre" && !context.pre ? { ...context, pre: true } : context;
      stack.push({ nodes: node.childNodes, index: 0, into, context: inner, after: around });
    }
  }
  return root;
}

/**
 * What sets an element given its content only apart: a quote its marks, a block its words from its
 * neighbours' (a line in a block of code), and inside emphasis or a link (`<b>a<p>b</b>`) its
 * paragraph.
 */
function separator(tagName: string, context: Context): Separator {
  const tag = KEEP.get(tagName) ?? tagName;
  if (tagName === "q") return '"';
  if (!BLOCKS.has(tag)) return "";
  if (context.pre) return "\n";
  if (context.marks.size === 0 || context.marks.has("code") || tag === "br") return " ";
  return "paragraph";
}

/** A mark given its content only, as it is inside one of its kind: so are its copies. */
const INSIDE = "inside";

class TreeBuilder {
  private elements = 0;
  /**
   * The marks kept, by their list of attributes. parse5 opens an unclosed `<b>` anew in each
   * following paragraph, as browsers do, making the copy from the tag's token: with the same list.
   * A copy gives its content only, so that a block ends the emphasis left open in it (unclosed tags
   * are common in old comments), unless the first one was left empty (`<a href=…><p>text</a>`).
   */
  private readonly marks = new Map<P5.Element["attrs"], Element | typeof INSIDE>();

  constructor(private readonly keepNewlines: boolean) {}

  /**
   * The element `node` becomes in `into`, with the context of its content; a string for an element
   * that becomes text (an image), undefined for one that gives its content only.
   */
  element(node: P5.Element, into: Into, context: Context): { element: Element; context: Context } | string | undefined {
    if (node.tagName === "img") {
      const alt = attribute(node, "alt");
      return alt ? `[image: ${alt}]` : "[image]";
    }
    let tag = KEEP.get(node.tagName);
    if (!tag || this.elements >= MAX_ELEMENTS) return;
    // Markdown holds no block inside emphasis or a link: the walk sets its content apart.
    if (context.marks.size > 0 && BLOCKS.has(tag) && tag !== "br") return;
    // Inside code only the text counts, and the line breaks of a block of code.
    if ((context.pre && tag !== "br") || context.marks.has("code")) return;
    if (INLINE_MARKS.has(tag) && !this.isNewMark(node, tag, context)) return;
    const href = attribute(node, "href") ?? "";
    if (tag === "a" && !SAFE_HREF.test(href)) return;
    const inList = into.type === "element" && (into.tagName === "ul" || into.tagName === "ol");
    if (tag === "li" && !inList) tag = "div";
    if (tag === "blockquote" && context.quotes >= MAX_QUOTE_DEPTH) tag = "div";
    if ((tag === "ul" || tag === "ol") && context.lists >= MAX_LIST_DEPTH) tag = "div";
    const properties: Element["properties"] = {};
    if (tag === "a") properties.href = href;
    const start = attribute(node, "start") ?? "";
    if (tag === "ol" && /^\d{1,9}$/.test(start)) properties.start = Number(start);
    this.elements++;
    const element: Element = { type: "element", tagName: tag, properties, children: [] };
    if (INLINE_MARKS.has(tag)) this.marks.set(node.attrs, element);
    const mark = tag === "h1" ? "strong" : INLINE_MARKS.has(tag) ? tag : undefined;
    return {
      element,
      context: {
        quotes: context.quotes + (tag === "blockquote" ? 1 : 0),
        lists: context.lists + (tag === "ul" || tag === "ol" ? 1 : 0),
        marks: mark ? new Set([...context.marks, mark]) : context.marks,
        pre: context.pre || tag === "pre",
      },
    };
  }

  /** Whether a mark is one to keep: not inside one of its kind (`<b>` in `<b>`), nor a copy. */
  private isNewMark(node: P5.Element, tag: string, context: Context): boolean {
    const first = this.marks.get(node.attrs);
    if (first === INSIDE || (first && first.children.length > 0)) return false;
    if (!context.marks.has(tag)) return true;
    this.marks.set(node.attrs, INSIDE);
    return false;
  }

  /**
   * Appends text to `into`, joined to the text before it. With newlines kept, a blank line is a
   * `br` marked as a paragraph's end, and other newlines stay for rehype-remark to keep; but not
   * those in the white space at the text's start (`trimStart`) or end (`trimEnd`).
   */
  text(into: Into, value: string, newlines = false, trimStart = false, trimEnd = false) {
    if (!newlines || !this.keepNewlines || !/[\r\n]/.test(value)) {
      appendText(into, value);
      return;
    }
    let text = value.replace(/\r\n?/g, "\n");
    // By hand, not /\s*\n\s*$/, which backtracks through every run of spaces.
    const start = spacesAt(text, 0, 1);
    const end = Math.max(start, spacesAt(text, text.length, -1));
    if (start === text.length) text = (trimStart || trimEnd) && text.includes("\n") ? " " : text;
    else {
      if (trimEnd && text.slice(end).includes("\n")) text = `${text.slice(0, end)} `;
      if (trimStart && text.slice(0, start).includes("\n")) text = ` ${text.slice(start)}`;
    }
    text.split(/\n[ \t]*\n\s*/).forEach((paragraph, i) => {
      if (i > 0) this.paragraphEnd(into);
      appendText(into, paragraph);
    });
  }

  separate(into: Into, separator: Separator) {
    if (separator === "paragraph") this.paragraphEnd(into);
    else appendText(into, separator);
  }

  /** A `br` marked as a paragraph's end, or past MAX_ELEMENTS a newline. */
  private paragraphEnd(into: Into) {
    if (this.elements >= MAX_ELEMENTS) return appendText(into, "\n");
    this.elements++;
    into.children.push({ type: "element", tagName: "br", properties: {}, children: [], data: { paragraph: true } });
  }
}

function attribute(node: P5.Element, name: string): string | undefined {
  for (const { name: key, value } of node.attrs) if (key === name) return value.trim();
}

/** HTML's white space (`\r` is gone by then), not JavaScript's, which holds `&nbsp;`. */
const isSpace = (char: string | undefined) => char === " " || char === "\t" || char === "\n" || char === "\f";

/** Where the white space from `at` ends, stepping by `step` (-1: from the end, back). */
function spacesAt(text: string, at: number, step: 1 | -1): number {
  let i = at;
  while (step === 1 ? i < text.length && isSpace(text[i]) : i > 0 && isSpace(text[i - 1])) i += step;
  return i;
}

function appendText(into: Into, value: string) {
  if (value === "") return;
  const last = into.children[into.children.length - 1];
  if (last?.type === "text") last.value += value;
  else (into.children as ElementContent[]).push({ type: "text", value });
}

/**
 * A mark (emphasis, code, link) closed: the white space at its edges goes outside it, where
 * markdown can read the marks around it, and a mark of white space alone is that white space.
 */
function settle(element: Element, parent: Into) {
  if (!INLINE_MARKS.has(element.tagName)) return;
  const { children } = element;
  const first = children[0];
  const last = children[children.length - 1];
  const before = first?.type === "text" && isSpace(first.value[0]);
  const after = last?.type === "text" && isSpace(last.value[last.value.length - 1]);
  if (before) first.value = first.value.slice(spacesAt(first.value, 0, 1));
  if (after) last.value = last.value.slice(0, spacesAt(last.value, last.value.length, -1));
  if (last?.type === "text" && last.value === "") children.pop();
  if (first?.type === "text" && first.value === "") children.shift();
  parent.children.pop();
  if (before) appendText(parent, " ");
  if (children.length > 0) parent.children.push(element);
  if (after) appendText(parent, " ");
}
