import type { Parent, PhrasingContent, Root, Text } from "mdast";
import rehypeRemark, { type Options } from "rehype-remark";
import remarkStringify from "remark-stringify";
import { unified } from "unified";
import { readHtmlTree } from "./html-tree";

export { MAX_FORMATTING_ELEMENTS, MAX_OPEN_ELEMENTS } from "./html-parser";
export { MAX_ELEMENTS, MAX_LIST_DEPTH, MAX_QUOTE_DEPTH } from "./html-tree";

// Imported comments arrive as HTML (Disqus, WordPress, Remark42, Isso's migrated ones); Marginalia
// stores markdown. The HTML is read into a bounded tree (html-tree.ts), which rehype-remark turns
// into markdown's tree and remark-stringify writes, escaping whatever the text holds that markdown
// would read as markup. The result then meets the same validation and sanitizer as a new comment:
// nothing here needs to be safe, only faithful.

declare module "mdast" {
  interface BreakData {
    /** A blank line in a WordPress body: the paragraph ends there. */
    paragraph?: true;
  }
}

const handlers: Options["handlers"] = {
  // The comment markdown shows a heading as a paragraph in bold: say so here.
  h1: (state, node) => ({
    type: "paragraph",
    children: [{ type: "strong", children: state.all(node) as PhrasingContent[] }],
  }),
  br: (_, node) => ({ type: "break", ...(node.data?.paragraph ? { data: { paragraph: true } } : {}) }),
};

/** The processor for either reading of newlines: kept (`newlines: true`: as line breaks) or not. */
const processor = (newlines: boolean) =>
  unified()
    .use(rehypeRemark, { handlers, newlines })
    .use(() => (tree: Root) => {
      splitParagraphs(tree);
      splitLongTexts(tree);
    })
    .use(remarkStringify, {
      bullet: "-",
      emphasis: "*",
      strong: "*",
      fences: true,
      listItemIndent: "one",
      // A line break in a comment is a line break (lib/content/comment-markdown.ts): no backslash.
      handlers: { break: () => "\n" },
    });
const processors = { keep: processor(true), collapse: processor(false) };

/**
 * HTML to Marginalia markdown. `newlines: "keep"` treats line breaks in text as breaks (WordPress
 * stores comments before its auto-paragraphs: a blank line is a paragraph, a newline a break).
 */
export function htmlToMarkdown(html: string, options: { newlines?: "keep" | "collapse" } = {}): string {
  const keep = options.newlines === "keep";
  const run = processors[keep ? "keep" : "collapse"];
  return run.stringify(run.runSync(readHtmlTree(html, keep))).trim();
}

/**
 * Each paragraph cut at its paragraph ends (a blank line in a WordPress body, a block inside
 * emphasis), with the emphasis and links around a cut; breaks and spaces at a paragraph's edges
 * dropped, and the paragraphs left empty. In one pass per container, as a paragraph may hold
 * thousands of blank lines.
 */
function splitParagraphs(parent: Parent) {
  const children: Parent["children"] = [];
  for (const child of parent.children) {
    if (child.type === "paragraph") for (const run of cut(child.children)) pushTrimmed(children, run);
    else {
      if (child.type === "blockquote" || child.type === "list" || child.type === "listItem") splitParagraphs(child);
      children.push(child);
    }
  }
  parent.children = children;
}

const isParagraphEnd = (node: PhrasingContent) => node.type === "break" && node.data?.paragraph === true;

/** `nodes` cut at the paragraph ends in them, at any depth: `**a¶b**` is `**a**`, `**b**`. */
function cut(nodes: PhrasingContent[]): PhrasingContent[][] {
  const runs: PhrasingContent[][] = [[]];
  for (const node of nodes) {
    if (isParagraphEnd(node)) runs.push([]);
    else if ("children" in node && node.children.length > 0) {
      cut(node.children as PhrasingContent[]).forEach((children, i) => {
        if (i > 0) runs.push([]);
        if (children.length > 0) runs[runs.length - 1].push({ ...node, children } as PhrasingContent);
      });
    } else runs[runs.length - 1].push(node);
  }
  return runs;
}

const blank = (node: PhrasingContent) => node.type === "break" || (node.type === "text" && node.value.trim() === "");

/** The paragraph of `nodes` without breaks and spaces at its edges, if anything is left. */
function pushTrimmed(into: Parent["children"], nodes: PhrasingContent[]) {
  let start = 0;
  let end = nodes.length;
  while (start < end && blank(nodes[start])) start++;
  while (end > start && blank(nodes[end - 1])) end--;
  if (start === end) return;
  const children = start === 0 && end === nodes.length ? nodes : nodes.slice(start, end);
  const first = edgeText(children[0], 0);
  const last = edgeText(children[children.length - 1], -1);
  if (first) first.value = first.value.trimStart();
  if (last) last.value = last.value.trimEnd();
  into.push({ type: "paragraph", children });
}

/** The text at a node's start (0) or end (-1), inside its emphasis or link. */
function edgeText(node: PhrasingContent, side: 0 | -1): Text | undefined {
  let at: PhrasingContent | undefined = node;
  while (at && "children" in at) at = at.children.at(side) as PhrasingContent | undefined;
  return at?.type === "text" ? at : undefined;
}

/** The longest text remark-stringify escapes at once (its cost per character grows past ~10,000). */
const TEXT_CHUNK = 4_000;

/**
 * Texts longer than TEXT_CHUNK cut in pieces, after a space where there is one: remark-stringify
 * escapes each with its neighbours' characters in view, as it does the text around a link.
 */
function splitLongTexts(parent: Parent) {
  for (let index = 0; index < parent.children.length; index++) {
    const node = parent.children[index];
    if ("children" in node) splitLongTexts(node);
    if (node.type !== "text" || node.value.length <= TEXT_CHUNK) continue;
    const pieces = piecesOf(node.value);
    parent.children.splice(index, 1, ...(pieces as Parent["children"]));
    index += pieces.length - 1;
  }
}

function piecesOf(value: string): Text[] {
  const pieces: Text[] = [];
  let start = 0;
  while (start < value.length) {
    let end = Math.min(start + TEXT_CHUNK, value.length);
    const space = value.lastIndexOf(" ", end - 1);
    if (end < value.length && space > start) end = space + 1;
    // Not between the two halves of a character outside the BMP (an emoji).
    else if (end < value.length && /[\uD800-\uDBFF]/.test(value[end - 1])) end--;
    pieces.push({ type: "text", value: value.slice(start, end) });
    start = end;
  }
  return pieces;
}
