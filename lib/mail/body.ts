import { renderCommentMarkdown } from "../content/comment-markdown";
import { escapeHtml } from "../html-escape";

// Every mail's two parts from one source. A mail is written once, as blocks: paragraphs of the
// site's words with names and links between them, a reader's comment, a row of links to act on.
// renderMail() writes them twice: as HTML, every piece of text escaped, and as plain text, the
// text itself. No other module writes a mail's HTML or text, so the parts say the same thing and
// the text part never shows an entity (`a < b && c` stays that, not `a &#x3C; b …`). A reader's
// comment is markdown, which is plain text already: the text part quotes it as written.

export type Link = { label: string; href: string };
/** A piece of a paragraph: the site's words or a value (a name, a title), a strong name, a link. */
export type Inline = string | number | { strong: string } | Link;
export type Block =
  | { kind: "paragraph" | "heading"; inline: Inline[] }
  /** A reader's markdown: sanitized HTML in one part, the markdown as written in the other. */
  | { kind: "comment"; markdown: string }
  /** Links to act on: one line each in text (`Hide: https://…`), one row in HTML. */
  | { kind: "links"; links: Link[] }
  | { kind: "rule" };

const pieces = (strings: TemplateStringsArray, values: Inline[]): Inline[] =>
  strings.flatMap((words, i) => (i < values.length ? [words, values[i]] : [words]));

/** paragraph`Someone asked ${link(site.name, site.url)} to…`: the words between values are the site's. */
export const paragraph = (strings: TemplateStringsArray, ...values: Inline[]): Block => ({
  kind: "paragraph",
  inline: pieces(strings, values),
});
export const heading = (strings: TemplateStringsArray, ...values: Inline[]): Block => ({
  kind: "heading",
  inline: pieces(strings, values),
});
export const link = (label: string, href: string): Link => ({ label, href });
export const strong = (text: string): Inline => ({ strong: text });
export const comment = (markdown: string): Block => ({ kind: "comment", markdown });
export const links = (...list: Link[]): Block => ({ kind: "links", links: list });
export const rule: Block = { kind: "rule" };

export type MailBody = { text: string; html: string };

function inlineHtml(piece: Inline): string {
  if (typeof piece === "string" || typeof piece === "number") return escapeHtml(String(piece));
  if ("strong" in piece) return `<strong>${escapeHtml(piece.strong)}</strong>`;
  return `<a href="${escapeHtml(piece.href)}">${escapeHtml(piece.label)}</a>`;
}

function inlineText(piece: Inline): string {
  if (typeof piece === "string" || typeof piece === "number") return String(piece);
  if ("strong" in piece) return piece.strong;
  return piece.label === piece.href ? piece.href : `${piece.label} (${piece.href})`;
}

function blockHtml(block: Block): string {
  switch (block.kind) {
    case "paragraph":
      return `<p>${block.inline.map(inlineHtml).join("")}</p>`;
    case "heading":
      return `<h1 style="font-size:1.3em">${block.inline.map(inlineHtml).join("")}</h1>`;
    case "comment":
      return `<blockquote>${renderCommentMarkdown(block.markdown)}</blockquote>`;
    case "links":
      return `<p>${block.links.map(inlineHtml).join(" · ")}</p>`;
    case "rule":
      return "<hr>";
  }
}

function blockText(block: Block): string {
  switch (block.kind) {
    case "paragraph":
    case "heading":
      return block.inline.map(inlineText).join("");
    case "comment":
      return commentText(block.markdown);
    case "links":
      return block.links.map(({ label, href }) => `${label}: ${href}`).join("\n");
    case "rule":
      return "---";
  }
}

// A comment's bound in the text part: a posted comment is shorter (lib/comments/limits.ts), an
// imported one may not be. Written here, since the mail wing imports nothing of the comments'.
const TEXT_MAX = 5_000;

/**
 * A comment's markdown for the text part, as the reader wrote it: line ends made one kind, spaces
 * at line ends dropped (a line of "-- " would start a signature, which clients hide with the rest),
 * runs of blank lines made one, and an imported body longer than a comment may be cut at a word.
 */
export function commentText(markdown: string): string {
  const text = markdown
    .replace(/\r\n?/g, "\n")
    .replace(/[ \t]+$/gm, "")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
  if (text.length <= TEXT_MAX) return text;
  const cut = text.slice(0, TEXT_MAX);
  // At the last space, unless that would drop more than half (a body of one long word is cut in it).
  const space = cut.search(/\s\S*$/);
  return `${cut.slice(0, space > TEXT_MAX / 2 ? space : TEXT_MAX).trimEnd()} […]`;
}

/** A mail's HTML and plain-text parts: its content, then a footer (why it came, how to stop it). */
export function renderMail(content: Block[], footer: Block[]): MailBody {
  const html =
    `<!doctype html><html><body style="font-family:system-ui,sans-serif;max-width:40em;line-height:1.5">` +
    `${content.map(blockHtml).join("")}<hr>` +
    `<div style="font-size:small;color:#555">${footer.map(blockHtml).join("")}</div></body></html>`;
  // "-- " (with its space) opens a signature: mail clients show the footer apart and leave it out of replies.
  const text = `${content.map(blockText).join("\n\n")}\n\n-- \n${footer.map(blockText).join("\n\n")}\n`;
  return { text, html };
}
