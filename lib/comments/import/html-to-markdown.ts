import { readHtml, type Attributes } from "./html-reader";

// Imported comments arrive as HTML (Disqus, WordPress, Remark42); Marginalia stores markdown, so
// the tags a reader could have written in markdown become markdown and everything else becomes
// its text. The result then meets the same validation and sanitizer as a new comment: nothing
// here needs to be safe, only faithful.
//
// Its cost grows with the input whatever the input's shape (a commenter on the old site could
// plant `<ul><li>` ten thousand times): the HTML is read by a small tokenizer (html-reader.ts) that looks at each
// character once (sax's loose mode knows no void elements, so every `<br>` stayed open, and it
// walked that whole stack at each stray closing tag); the markdown is a list of pieces of which
// only the end is ever looked at; and nesting is bounded: past MAX_OPEN_ELEMENTS open elements a
// tag no longer opens anything (its text stays), past MAX_QUOTE_DEPTH a quote is a paragraph.

/** Open elements tracked; deeper tags are read for their text only. */
export const MAX_OPEN_ELEMENTS = 100;
/** Quotes nested in the markdown (the comment markdown refuses more than 32 levels of nesting). */
export const MAX_QUOTE_DEPTH = 5;

type Frame = { tag: string; start: number; href?: string; ordered?: boolean; index?: number; quote?: boolean };

const BLOCKS = new Set([
  "p",
  "div",
  "blockquote",
  "pre",
  "ul",
  "ol",
  "li",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "table",
  "tr",
]);
const INLINE_MARKS = new Map([
  ["em", "*"],
  ["i", "*"],
  ["strong", "**"],
  ["b", "**"],
  ["code", "`"],
]);

/** Characters markdown would read as markup, so the text shows as it did on the old site. */
const escapeText = (text: string) => text.replace(/([\\`*_[\]<>])/g, "\\$1");
const URL_ESCAPES: Record<string, string> = { "(": "%28", ")": "%29", "<": "%3C", ">": "%3E" };
const safeHref = (href: string) =>
  /^(https?:|mailto:)/i.test(href.trim())
    ? href.trim().replace(/[()<>]|\s/g, (c) => URL_ESCAPES[c] ?? encodeURIComponent(c))
    : null;

/**
 * HTML to Marginalia markdown. `newlines: "keep"` treats line breaks in text as breaks (WordPress
 * stores comments before its auto-paragraphs: a blank line is a paragraph, a newline a break).
 */
export function htmlToMarkdown(html: string, options: { newlines?: "keep" | "collapse" } = {}): string {
  const keep = options.newlines === "keep";
  const out = new Markdown();
  const stack: Frame[] = [];
  let quotes = 0;
  let inHead = 0;
  let inPre = 0;

  const blockBreak = () => {
    out.trimEnd(" \t");
    if (out.length === 0 || out.endsWith("\n\n")) return;
    out.append(out.endsWith("\n") ? "\n" : "\n\n");
  };
  const lineBreak = () => {
    out.trimEnd(" \t");
    out.append("\n");
  };
  const atLineStart = () => out.length === 0 || out.endsWith("\n");
  const closeMark = (mark: string) => {
    out.trimEnd(" ");
    out.append(mark);
  };
  // A block closes the emphasis left open in it (unclosed tags are common in old comments).
  const closeInlines = () => {
    while (stack.length && INLINE_MARKS.has(stack.at(-1)!.tag)) {
      const frame = stack.pop()!;
      if (!inPre) closeMark(INLINE_MARKS.get(frame.tag)!);
    }
  };

  const open = (tag: string, attrs: Attributes) => {
    if (tag === "head") inHead++;
    if (inHead) return;
    if (BLOCKS.has(tag)) closeInlines();
    if (BLOCKS.has(tag) && tag !== "li") blockBreak();
    const room = stack.length < MAX_OPEN_ELEMENTS;
    const frame: Frame = { tag, start: out.length };
    switch (tag) {
      case "br":
        lineBreak();
        return;
      case "img":
        out.append(attrs.alt ? `[image: ${escapeText(attrs.alt)}]` : "[image]");
        return;
      case "blockquote":
        if (room && quotes < MAX_QUOTE_DEPTH) {
          quotes++;
          frame.quote = true;
        }
        break;
      case "pre":
        if (!room) return;
        inPre++;
        out.append("```\n");
        break;
      case "ul":
      case "ol":
        frame.ordered = tag === "ol";
        frame.index = 0;
        break;
      case "li": {
        let list: Frame | undefined;
        for (let i = stack.length - 1; i >= 0 && !list; i--)
          if (stack[i].tag === "ul" || stack[i].tag === "ol") list = stack[i];
        if (!atLineStart()) lineBreak();
        if (list) list.index! += 1;
        out.append(list?.ordered ? `${list.index}. ` : "- ");
        break;
      }
      case "a":
        // A link inside a link (not valid HTML) is only its text.
        if (!stack.some((f) => f.tag === "a")) frame.href = attrs.href ?? "";
        break;
      default:
        if (INLINE_MARKS.has(tag) && !inPre && room) out.append(INLINE_MARKS.get(tag)!);
    }
    if (room) stack.push(frame);
  };

  const closeFrame = (frame: Frame) => {
    switch (frame.tag) {
      case "a": {
        const href = frame.href ? safeHref(frame.href) : null;
        if (!href) break;
        const text = out.take(frame.start);
        if (text.trim() === "") out.append(text);
        else out.append(text.replace(/\\(.)/g, "$1") === frame.href ? href : `[${text}](${href})`);
        break;
      }
      case "pre":
        inPre = Math.max(0, inPre - 1);
        if (!out.endsWith("\n")) out.append("\n");
        out.append("```");
        blockBreak();
        break;
      case "blockquote": {
        if (!frame.quote) {
          blockBreak();
          break;
        }
        quotes--;
        // Blank lines collapsed as tidy() would (a run of them would otherwise become ">" lines),
        // "> " before every line: native passes over the text, no string per line, for each level.
        const inner = out
          .take(frame.start)
          .replace(/\n{3,}/g, "\n\n")
          .trim();
        blockBreak();
        // The final tidy() takes the space off the empty lines' "> ".
        out.append(`> ${inner.replaceAll("\n", "\n> ")}`);
        blockBreak();
        break;
      }
      default:
        if (INLINE_MARKS.has(frame.tag) && !inPre) closeMark(INLINE_MARKS.get(frame.tag)!);
        else if (BLOCKS.has(frame.tag) && frame.tag !== "li") blockBreak();
    }
  };

  const close = (tag: string) => {
    if (tag === "head") {
      inHead = Math.max(0, inHead - 1);
      return;
    }
    if (inHead) return;
    // The elements left open inside it close with it, innermost first; a stray closing tag
    // (no such element open) is ignored. The stack is at most MAX_OPEN_ELEMENTS deep.
    let index = stack.length - 1;
    while (index >= 0 && stack[index].tag !== tag) index--;
    while (index >= 0 && stack.length > index) closeFrame(stack.pop()!);
  };

  const text = (value: string) => {
    if (inHead) return;
    if (inPre) {
      out.append(value.replace(/```/g, "``\u200b`"));
      return;
    }
    if (keep) {
      const paragraphs = value.replace(/\r\n?/g, "\n").split(/\n[ \t]*\n+/);
      paragraphs.forEach((paragraph, i) => {
        if (i > 0) blockBreak();
        paragraph.split("\n").forEach((line, j) => {
          if (j > 0) lineBreak();
          appendInline(line);
        });
      });
      return;
    }
    appendInline(value.replace(/\s+/g, " "));
  };

  function appendInline(raw: string) {
    let value = raw.replace(/[ \t]+/g, " ");
    if (atLineStart()) value = value.replace(/^ +/, "");
    if (value === "") return;
    value = escapeText(value);
    // At the start of a line, text that markdown would read as a heading, list or quote.
    if (atLineStart()) value = value.replace(/^(#|[-+]\s|\d+[.)]\s)/, "\\$1");
    out.append(value);
  }

  readHtml(html, { open, close, text });
  while (stack.length) closeFrame(stack.pop()!);
  return tidy(out.toString());
}

/** Trailing spaces off every line, at most one blank line in a row; one pass over the text. */
function tidy(text: string): string {
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) lines[i] = trimEndOf(lines[i], " \t");
  return lines
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

function trimEndOf(text: string, chars: string): string {
  let end = text.length;
  while (end > 0 && chars.includes(text[end - 1])) end--;
  return end === text.length ? text : text.slice(0, end);
}

/**
 * The markdown being written: pieces appended, only the last characters ever looked at or trimmed,
 * and what follows a position taken back whole (a link's text, a quote's lines). Positions are
 * offsets in the text: a position past the end (trimmed away since) takes nothing.
 */
class Markdown {
  private parts: string[] = [];
  length = 0;

  append(text: string) {
    if (text === "") return;
    this.parts.push(text);
    this.length += text.length;
  }

  /** Whether the text ends with "\n" or "\n\n" (the only endings asked about). */
  endsWith(suffix: "\n" | "\n\n"): boolean {
    const last = this.parts.at(-1);
    if (last === undefined || !last.endsWith("\n")) return false;
    if (suffix === "\n") return true;
    if (last.length > 1) return last[last.length - 2] === "\n";
    return this.parts.at(-2)?.endsWith("\n") ?? false;
  }

  trimEnd(chars: string) {
    while (this.parts.length) {
      const last = this.parts[this.parts.length - 1];
      if (!chars.includes(last[last.length - 1])) return;
      const trimmed = trimEndOf(last, chars);
      this.length -= last.length - trimmed.length;
      if (trimmed !== "") {
        this.parts[this.parts.length - 1] = trimmed;
        return;
      }
      this.parts.pop();
    }
  }

  /** Removes and returns the text from `position` on. */
  take(position: number): string {
    const taken: string[] = [];
    while (this.length > position) {
      const last = this.parts.pop()!;
      this.length -= last.length;
      if (this.length < position) {
        const kept = last.slice(0, position - this.length);
        this.parts.push(kept);
        this.length += kept.length;
        taken.push(last.slice(kept.length));
      } else taken.push(last);
    }
    return taken.reverse().join("");
  }

  toString() {
    return this.parts.join("");
  }
}
