import { renderCommentMarkdown } from "../content/comment-markdown";
import { escapeHtml } from "../html-escape";
import { site } from "../site";
import { siteLanguage, t, type MessageKey, type MessageValues } from "../i18n";

// Every mail's two parts from one source. A mail is written once, as blocks: paragraphs of the
// site's words with names and links between them, a reader's comment, buttons and links to act on.
// renderMail() writes them twice: as HTML, every piece of text escaped, and as plain text, the
// text itself. No other module writes a mail's HTML or text, so the parts say the same thing and
// the text part never shows an entity (`a < b && c` stays that, not `a &#x3C; b …`). A reader's
// comment is markdown, which is plain text already: the text part quotes it as written.
//
// The HTML looks like the site in any mail client: tables and inline styles (what Outlook and
// Gmail keep), the site's name beside a mark drawn in HTML (clients block SVG, and a remote image
// is blocked until asked for), its accent on buttons at least 44 px tall. It sets no page
// background and no text colour, so a client's dark mode shows its own (`color-scheme` says both
// are fine); the only colours are the accent behind white button text, which reads on either.

export type Link = { label: string; href: string };
/** A piece of a paragraph: the site's words or a value (a name, a title), a strong name, a link. */
export type Inline = string | number | { strong: string } | Link;
export type Block =
  | { kind: "paragraph" | "heading"; inline: Inline[] }
  /** A reader's markdown: sanitized HTML in one part, the markdown as written in the other. */
  | { kind: "comment"; markdown: string; label?: string }
  /** Buttons: the main action (the first) or actions side by side (Approve, Hide, Delete). */
  | { kind: "buttons"; links: Link[] }
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
/**
 * A paragraph of the site's words in its language: message `key`, with `pieces` (names, titles,
 * links) put where the translation puts them, each written into both parts as it needs.
 */
export function said(key: MessageKey, pieces: Record<string, Inline> = {}, values: MessageValues = {}): Block {
  const names = Object.keys(pieces);
  const text = t(key, { ...values, ...Object.fromEntries(names.map((name, i) => [name, `\u0000${i}\u0000`])) });
  const inline = text
    .split("\u0000")
    .map((part, i): Inline => (i % 2 === 1 ? pieces[names[Number(part)]] : part))
    .filter((part) => part !== "");
  return { kind: "paragraph", inline };
}
export const link = (label: string, href: string): Link => ({ label, href });
export const strong = (text: string): Inline => ({ strong: text });
export const comment = (markdown: string): Block => ({ kind: "comment", markdown });
/** A comment quoted for context, under a label ("Your comment"): smaller, beside the one that is news. */
export const quoted = (label: string, markdown: string): Block => ({ kind: "comment", markdown, label });
export const buttons = (...list: Link[]): Block => ({ kind: "buttons", links: list });
export const links = (...list: Link[]): Block => ({ kind: "links", links: list });
export const rule: Block = { kind: "rule" };

export type MailBody = { text: string; html: string };

// ---- HTML ----

const ACCENT = "#8a3b12";
const ON_ACCENT = "#ffffff";
const SANS = "-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif";
const SERIF = "Georgia,'Times New Roman',serif";
const TABLE = 'role="presentation" cellpadding="0" cellspacing="0" border="0"';

function inlineHtml(piece: Inline): string {
  if (typeof piece === "string" || typeof piece === "number") return escapeHtml(String(piece));
  if ("strong" in piece) return `<strong>${escapeHtml(piece.strong)}</strong>`;
  return `<a href="${escapeHtml(piece.href)}">${escapeHtml(piece.label)}</a>`;
}

// Mail clients ignore logical CSS (padding-inline-start…): a right-to-left mail gets the mirror
// image of each side written out.
const side = () => (siteLanguage().dir === "rtl" ? { start: "right" } : { start: "left" });
/** "a b c d" padding or margin with its start and end swapped for a right-to-left mail. */
const box = (top: string, end: string, bottom: string, start: string) =>
  siteLanguage().dir === "rtl" ? `${top} ${start} ${bottom} ${end}` : `${top} ${end} ${bottom} ${start}`;

/** A button that is a link (it works where forms and scripts do not): 44 px tall, as a thumb needs. */
const buttonHtml = ({ label, href }: Link, main: boolean) =>
  `<td style="padding:${box("0", "8px", "8px", "0")}"><a href="${escapeHtml(href)}" class="button" style="display:inline-block;` +
  `min-width:${main ? 160 : 56}px;padding:12px 18px;line-height:20px;border-radius:6px;background:${ACCENT};` +
  `border:1px solid ${ACCENT};color:${ON_ACCENT};font-family:${SANS};font-size:16px;font-weight:600;` +
  `text-align:center;text-decoration:none">${escapeHtml(label)}</a></td>`;

function commentHtml(markdown: string, label: string | undefined): string {
  const html = renderCommentMarkdown(markdown);
  if (!label)
    return `<blockquote style="margin:0 0 16px;padding:${box("2px", "0", "2px", "14px")};border-${side().start}:3px solid ${ACCENT}">${html}</blockquote>`;
  return (
    `<p style="margin:0 0 4px;font-size:13px">${escapeHtml(label)}</p>` +
    `<blockquote style="margin:0 0 16px;padding:${box("0", "0", "0", "14px")};border-${side().start}:3px solid #8a8a8a;font-size:14px">${html}</blockquote>`
  );
}

function blockHtml(block: Block): string {
  switch (block.kind) {
    case "paragraph":
      return `<p style="margin:0 0 16px">${block.inline.map(inlineHtml).join("")}</p>`;
    case "heading":
      return `<h1 style="margin:0 0 12px;font-family:${SERIF};font-size:24px;line-height:1.25">${block.inline.map(inlineHtml).join("")}</h1>`;
    case "comment":
      return commentHtml(block.markdown, block.label);
    case "buttons":
      return `<table ${TABLE} style="margin:0 0 16px"><tr>${block.links.map((l, i) => buttonHtml(l, i === 0 && block.links.length === 1)).join("")}</tr></table>`;
    case "links":
      return `<p style="margin:0 0 12px">${block.links.map(inlineHtml).join(" · ")}</p>`;
    case "rule":
      return '<hr style="margin:8px 0 24px;border:0;border-top:1px solid #8a8a8a">';
  }
}

/** The site's name beside its mark, as on the site's pages: letters on the accent, no image. */
const masthead = () =>
  `<table ${TABLE}><tr><td style="width:32px;height:32px;border-radius:7px;background:${ACCENT};color:${ON_ACCENT};` +
  `font-family:${SERIF};font-size:20px;font-weight:700;line-height:32px;text-align:center">${escapeHtml(site.name.slice(0, 1))}</td>` +
  `<td style="padding-${side().start}:10px"><a href="${escapeHtml(site.url)}" class="site-name" style="font-family:${SERIF};` +
  `font-size:22px;font-weight:700;color:${ACCENT};text-decoration:none">${escapeHtml(site.name)}</a></td></tr></table>`;

// Clients that honour it (Apple Mail, Outlook on the web) lighten the accent on a dark page; the
// others (Gmail) adjust colours themselves.
const DARK_STYLE = `@media (prefers-color-scheme: dark){.site-name{color:#f0a070 !important}}`;

function pageHtml(content: string, footer: string): string {
  return (
    `<!doctype html><html lang="${site.language}"${siteLanguage().dir === "rtl" ? ' dir="rtl"' : ""}><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<meta name="color-scheme" content="light dark"><meta name="supported-color-schemes" content="light dark">` +
    `<style>${DARK_STYLE}</style></head><body style="margin:0;padding:0">` +
    `<table ${TABLE} width="100%"><tr><td align="center" style="padding:24px 16px">` +
    `<table ${TABLE} width="100%" style="max-width:600px;font-family:${SANS};font-size:16px;line-height:1.55">` +
    `<tr><td style="padding:0 0 14px;border-bottom:2px solid ${ACCENT}">${masthead()}</td></tr>` +
    `<tr><td style="padding:24px 0 8px">${content}</td></tr>` +
    `<tr><td style="padding:16px 0 0;border-top:1px solid #8a8a8a;font-size:13px;line-height:1.5">${footer}</td></tr>` +
    `</table></td></tr></table></body></html>`
  );
}

// ---- Plain text ----

function inlineText(piece: Inline): string {
  if (typeof piece === "string" || typeof piece === "number") return String(piece);
  if ("strong" in piece) return piece.strong;
  return piece.label === piece.href ? piece.href : `${piece.label} (${piece.href})`;
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

/** A quoted comment in text: under its label, each line after "> ", as mail quotes. */
const quotedText = (label: string, markdown: string) =>
  `${label}\n${commentText(markdown)
    .split("\n")
    .map((line) => (line ? `> ${line}` : ">"))
    .join("\n")}`;

function blockText(block: Block): string {
  switch (block.kind) {
    case "paragraph":
    case "heading":
      return block.inline.map(inlineText).join("");
    case "comment":
      return block.label ? quotedText(block.label, block.markdown) : commentText(block.markdown);
    case "buttons":
    case "links":
      return block.links.map(({ label, href }) => `${label}: ${href}`).join("\n");
    case "rule":
      return "---";
  }
}

/** A mail's HTML and plain-text parts: its content, then a footer (why it came, how to stop it). */
export function renderMail(content: Block[], footer: Block[]): MailBody {
  const html = pageHtml(content.map(blockHtml).join(""), footer.map(blockHtml).join(""));
  // "-- " (with its space) opens a signature: mail clients show the footer apart and leave it out of replies.
  const text = `${content.map(blockText).join("\n\n")}\n\n-- \n${footer.map(blockText).join("\n\n")}\n`;
  return { text, html };
}
