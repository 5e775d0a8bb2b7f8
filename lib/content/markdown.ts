import type { Root } from "mdast";
import { defaultSchema, type Schema } from "hast-util-sanitize";
import rehypeKatex from "rehype-katex";
import rehypeSanitize from "rehype-sanitize";
import rehypeStringify from "rehype-stringify";
import { remark } from "remark";
import remarkGfm from "remark-gfm";
import remarkMath from "remark-math";
import remarkRehype from "remark-rehype";
import { visit } from "unist-util-visit";
import type { Position } from "unist";
import { VFile } from "vfile";
import { rehypeCodeBlocks } from "./rehype/code-blocks";
import { rehypeMermaidDiagrams } from "./rehype/mermaid";
import { rehypeTaskLists } from "./rehype/task-lists";
import { remarkCodeLines } from "./remark/code-lines";
import { remarkFigures } from "./remark/figures";
import { remarkArticleImages, type ArticleImageOptions } from "./remark/article-images";
import { remarkHeadingIds, type TocEntry } from "./remark/heading-ids";
import { remarkHighlightCode } from "./remark/highlight-code";

export type { TocEntry };
export { readingMinutes } from "./reading-time";

// Articles are written by the site's author, so their markdown may use anything GitHub-flavoured
// markdown offers (tables, task lists, strikethrough, footnotes); rehype-sanitize still cleans the
// HTML, so a stray <script> in a content file never reaches a reader. The schema is GitHub's plus what our
// own plugins add. Ids are not prefixed ("clobbered"): raw HTML is dropped, so every id comes
// from our plugins (heading slugs, footnotes), and the prefix would break footnote links, whose
// ids mdast-util-to-hast has already prefixed.
const schema: Schema = {
  ...defaultSchema,
  clobber: [],
  tagNames: [...(defaultSchema.tagNames ?? []), "figure", "figcaption"],
  attributes: {
    ...defaultSchema.attributes,
    a: [
      ...(defaultSchema.attributes?.a ?? []).filter((rule) => !isClassRule(rule)),
      ["className", "data-footnote-backref", "heading-anchor"],
    ],
    code: [["className", /^language-./, "hljs", "math-inline", "math-display", "line-numbers"]],
    span: [["className", /^hljs-/, /^[a-z]+_$/, "line", "highlighted"]],
    img: [...(defaultSchema.attributes?.img ?? []), "srcSet", "sizes", "loading", "decoding"],
  },
};

function isClassRule(rule: string | [string, ...unknown[]]): boolean {
  return Array.isArray(rule) && rule[0] === "className";
}

export type RenderOptions = ArticleImageOptions & { sourceFile: string };
export type RenderedMarkdown = {
  html: string;
  toc: TocEntry[];
  /** Things the author must fix (an image that is missing, say), with the line in the body. */
  problems: { line: number; message: string }[];
  /** The files the render read (images, drawn diagrams): article-cache.ts checks them. */
  reads?: string[];
  /** A diagram is still being drawn: the article is rendered again once it is (not kept meanwhile). */
  drawing?: boolean;
};

/** Turns an article's markdown body into sanitized HTML and its table of contents. */
export function renderArticleMarkdown(markdown: string, options: RenderOptions): RenderedMarkdown {
  const file = new VFile({ value: markdown, path: options.sourceFile });
  const processor = remark()
    .use(remarkGfm)
    .use(remarkMath)
    .use(remarkHeadingIds)
    .use(remarkHighlightCode)
    .use(remarkCodeLines)
    .use(remarkArticleImages, options)
    .use(remarkFigures)
    .use(remarkAbsoluteLinks, options.absoluteBase)
    .use(remarkRehype)
    .use(rehypeSanitize, schema)
    // After the sanitizer: these write markup of their own (KaTeX's HTML and MathML, the diagram
    // SVG, labels, code frames) from text the sanitizer has already cleaned.
    .use(rehypeKatex)
    .use(rehypeMermaidDiagrams)
    .use(rehypeTaskLists)
    .use(rehypeCodeBlocks)
    // Raw nodes come only from rehypeMermaidDiagrams: the sanitizer removed any the author wrote.
    .use(rehypeStringify, { allowDangerousHtml: true });
  const html = String(processor.processSync(file));
  return {
    html,
    toc: file.data.toc ?? [],
    reads: file.data.reads ?? [],
    drawing: file.data.drawing ?? false,
    problems: file.messages.map((message) =>
      message.source === "rehype-katex" ? mathProblem(message) : { line: message.line ?? 1, message: message.reason },
    ),
  };
}

type TreeNode = {
  type: string;
  value?: string;
  children?: TreeNode[];
  position?: Position;
  properties?: { className?: unknown };
};
const textOf = (node: TreeNode): string => node.value ?? (node.children ?? []).map(textOf).join("");

/**
 * A formula KaTeX cannot read, at its line and with KaTeX's reason. rehype-katex says only "Could
 * not render math with KaTeX", at the place of the formula's <code>, which a `$$` block's has not
 * (remark-math gives it to the <pre> around it): the nearest ancestor with a place gives the line,
 * moved down to where KaTeX stopped within the formula.
 */
function mathProblem(message: VFile["messages"][number]): { line: number; message: string } {
  const [element, ...ancestors] = [...((message.ancestors ?? []) as TreeNode[])].reverse();
  const place = [element, ...ancestors].find((node) => node?.position)?.position;
  const formula = element ? textOf(element) : "";
  const cause = message.cause as { rawMessage?: string; position?: number; message?: string } | undefined;
  // A block's formula starts on the line after its opening `$$` (or ```math); an inline one on the line of its `$`.
  const inline = Array.isArray(element?.properties?.className) && element.properties.className.includes("math-inline");
  const first = (place?.start.line ?? 1) + (inline ? 0 : 1);
  const before = formula.slice(0, cause?.position ?? 0).split("\n").length - 1;
  const shown = formula.trim().replace(/\s+/g, " ");
  const snippet = shown.length > 40 ? `${shown.slice(0, 39)}…` : shown;
  return {
    line: first + before,
    message: `formula "${snippet}" cannot be drawn: ${cause?.rawMessage ?? cause?.message ?? message.reason}`,
  };
}

/** For feeds: `/articles/x` and `#section` resolve against the article's absolute URL. */
function remarkAbsoluteLinks(base: string | undefined) {
  return (tree: Root) => {
    if (!base) return;
    visit(tree, "link", (link) => {
      if (link.url.startsWith("/") || link.url.startsWith("#")) link.url = new URL(link.url, base).toString();
    });
  };
}

const parser = remark().use(remarkGfm).use(remarkMath);

/**
 * The words a reader reads, for reading time and search: text and code, without markup, TeX or
 * diagram sources (which would show as gibberish in a search excerpt).
 */
export function plainText(markdown: string): string {
  const words: string[] = [];
  visit(parser.parse(markdown) as Root, (node) => {
    if (node.type === "code" && node.lang === "mermaid") return;
    if (node.type === "text" || node.type === "inlineCode" || node.type === "code") words.push(node.value);
    if (node.type === "image" && node.alt) words.push(node.alt);
  });
  return words.join(" ").replace(/\s+/g, " ").trim();
}
