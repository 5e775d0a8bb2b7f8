import sax from "sax";

// Imported comments arrive as HTML (Disqus, WordPress, Remark42); Marginalia stores markdown, so
// the tags a reader could have written in markdown become markdown and everything else becomes
// its text. The result then meets the same validation and sanitizer as a new comment: nothing
// here needs to be safe, only faithful.

type Frame = { tag: string; href?: string; start: number; ordered?: boolean; index?: number };

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
const DROPPED = new Set(["script", "style", "head", "title"]);

/** Characters markdown would read as markup, so the text shows as it did on the old site. */
const escapeText = (text: string) => text.replace(/([\\`*_[\]<>])/g, "\\$1");
const URL_ESCAPES: Record<string, string> = { "(": "%28", ")": "%29", "<": "%3C", ">": "%3E" };
const safeHref = (href: string) =>
  /^(https?:|mailto:)/i.test(href.trim())
    ? href.trim().replace(/[()<>]|\s/g, (c) => URL_ESCAPES[c] ?? encodeURIComponent(c))
    : null;
const INLINE_MARKS: Record<string, string> = { em: "*", i: "*", strong: "**", b: "**", code: "`" };

/**
 * HTML to Marginalia markdown. `newlines: "keep"` treats line breaks in text as breaks (WordPress
 * stores comments before its auto-paragraphs: a blank line is a paragraph, a newline a break).
 */
export function htmlToMarkdown(html: string, options: { newlines?: "keep" | "collapse" } = {}): string {
  const keep = options.newlines === "keep";
  const parser = sax.parser(false, { lowercase: true });
  const stack: Frame[] = [];
  let out = "";
  const quoted: string[] = []; // the text outside each open blockquote
  let dropping = 0;
  let inPre = 0;

  const blockBreak = () => {
    out = out.replace(/[ \t]+$/, "");
    if (out === "" || out.endsWith("\n\n")) return;
    out += out.endsWith("\n") ? "\n" : "\n\n";
  };
  const lineBreak = () => {
    out = out.replace(/[ \t]+$/, "") + "\n";
  };
  const atLineStart = () => out === "" || out.endsWith("\n");
  // A block closes the emphasis left open in it (unclosed tags are common in old comments).
  const closeInlines = () => {
    while (stack.length && INLINE_MARKS[stack.at(-1)!.tag] !== undefined) {
      const frame = stack.pop()!;
      if (!inPre) out = out.replace(/ +$/, "") + INLINE_MARKS[frame.tag];
    }
  };

  parser.onopentag = (node) => {
    const tag = node.name;
    const attrs = node.attributes as Record<string, string>;
    if (DROPPED.has(tag)) dropping++;
    if (dropping) return;
    if (BLOCKS.has(tag)) closeInlines();
    if (BLOCKS.has(tag) && tag !== "li") blockBreak();
    switch (tag) {
      case "br":
        lineBreak();
        break;
      case "blockquote":
        quoted.push(out);
        out = "";
        break;
      case "pre":
        inPre++;
        out += "```\n";
        break;
      case "ul":
      case "ol":
        stack.push({ tag, start: out.length, ordered: tag === "ol", index: 0 });
        return;
      case "li": {
        const list = [...stack].reverse().find((frame) => frame.tag === "ul" || frame.tag === "ol");
        if (!atLineStart()) lineBreak();
        if (list) list.index = (list.index ?? 0) + 1;
        out += list?.ordered ? `${list.index}. ` : "- ";
        break;
      }
      case "a":
        stack.push({ tag, href: attrs.href, start: out.length });
        return;
      case "img":
        out += attrs.alt ? `[image: ${escapeText(attrs.alt)}]` : "[image]";
        break;
      default:
        if (INLINE_MARKS[tag] !== undefined && !inPre) out += INLINE_MARKS[tag];
    }
    if (!node.isSelfClosing) stack.push({ tag, start: out.length });
  };

  parser.onclosetag = (tag) => {
    if (DROPPED.has(tag)) {
      dropping = Math.max(0, dropping - 1);
      return;
    }
    if (dropping) return;
    const index = stack.map((frame) => frame.tag).lastIndexOf(tag);
    if (index === -1) return; // a stray closing tag: nothing to close
    const frame = stack[index];
    stack.length = index;
    switch (tag) {
      case "a": {
        const text = out.slice(frame.start);
        const href = frame.href ? safeHref(frame.href) : null;
        if (href && text.trim() !== "") {
          const plain = text.replace(/\\(.)/g, "$1");
          out = out.slice(0, frame.start) + (plain === frame.href ? href : `[${text}](${href})`);
        }
        break;
      }
      case "pre":
        inPre = Math.max(0, inPre - 1);
        if (!out.endsWith("\n")) out += "\n";
        out += "```";
        blockBreak();
        break;
      case "blockquote": {
        const inner = tidy(out);
        out = quoted.pop() ?? "";
        blockBreak();
        out += inner
          .split("\n")
          .map((line) => (line ? `> ${line}` : ">"))
          .join("\n");
        blockBreak();
        break;
      }
      default:
        if (INLINE_MARKS[tag] !== undefined && !inPre) out = out.replace(/ +$/, "") + INLINE_MARKS[tag];
        else if (BLOCKS.has(tag) && tag !== "li") blockBreak();
    }
  };

  parser.ontext = (text) => {
    if (dropping) return;
    if (inPre) {
      out += text.replace(/```/g, "``\u200b`");
      return;
    }
    let value = text;
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
    value = value.replace(/\s+/g, " ");
    appendInline(value);
  };
  parser.oncdata = (text) => parser.ontext(text);

  function appendInline(text: string) {
    let value = text.replace(/[ \t]+/g, " ");
    if (atLineStart()) value = value.replace(/^ +/, "");
    if (value === "") return;
    value = escapeText(value);
    // At the start of a line, text that markdown would read as a heading, list or quote.
    if (atLineStart()) value = value.replace(/^(#|[-+]\s|\d+[.)]\s)/, "\\$1");
    out += value;
  }

  // Malformed HTML is normal in old comments: sax's loose mode carries on after an error.
  parser.onerror = () => {
    parser.error = null as unknown as Error;
    parser.resume();
  };
  // One root element: after its first root closes, sax's loose mode reads the rest as text.
  parser.write(`<marginalia-root>${html}</marginalia-root>`).close();
  while (quoted.length) out = `${quoted.pop()}${out}`;
  return tidy(out);
}

const tidy = (text: string) =>
  text
    .replace(/[ \t]+$/gm, "")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
