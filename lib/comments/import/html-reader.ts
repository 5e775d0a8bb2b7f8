import sax from "sax";

// The HTML tokenizer behind htmlToMarkdown: it looks at each character once, whatever the input's
// shape (sax's loose mode knows no void elements, so every `<br>` stayed open, and it walked that
// whole stack at each stray closing tag). Tags, text and the two attributes the markdown keeps;
// character references decoded as HTML does; script, style and the like skipped whole.

export type Attributes = { href?: string; alt?: string };

/** Elements that never hold anything: no closing tag is waited for. */
const VOID = new Set([
  "br",
  "img",
  "hr",
  "input",
  "wbr",
  "meta",
  "link",
  "area",
  "base",
  "col",
  "embed",
  "source",
  "track",
  "param",
]);
/** Elements whose content is not HTML and is dropped whole, up to their closing tag. */
const RAW_TEXT = new Set(["script", "style", "title", "textarea"]);
export type HtmlHandlers = {
  open: (tag: string, attrs: Attributes) => void;
  close: (tag: string) => void;
  text: (text: string) => void;
};

const isSpace = (c: string) => c === " " || c === "\n" || c === "\t" || c === "\r" || c === "\f";
const isLetter = (c: string | undefined) => c !== undefined && ((c >= "a" && c <= "z") || (c >= "A" && c <= "Z"));
// HTML's named references, as sax's loose mode read them (its types leave the table out).
const ENTITIES = (sax as unknown as { ENTITIES: Record<string, string> }).ENTITIES;
const REFERENCE = /#[0-9]{1,8};|#[xX][0-9a-fA-F]{1,8};|[A-Za-z][A-Za-z0-9]{0,31};/y;

function resolve(name: string): string | undefined {
  if (name[0] !== "#") {
    if (Object.hasOwn(ENTITIES, name)) return ENTITIES[name];
    const lower = name.toLowerCase();
    return Object.hasOwn(ENTITIES, lower) ? ENTITIES[lower] : undefined;
  }
  const code = name[1] === "x" || name[1] === "X" ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
  return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? String.fromCodePoint(code) : undefined;
}

/** Character references decoded as sax's loose mode did: named (HTML's), decimal, hex; `;` needed. */
function decode(text: string): string {
  let at = text.indexOf("&");
  if (at === -1) return text;
  const parts: string[] = [];
  let last = 0;
  while (at !== -1) {
    REFERENCE.lastIndex = at + 1;
    const match = REFERENCE.exec(text);
    const value = match ? resolve(match[0].slice(0, -1)) : undefined;
    if (value !== undefined) {
      parts.push(text.slice(last, at), value);
      last = REFERENCE.lastIndex;
    }
    at = text.indexOf("&", at + 1);
  }
  parts.push(text.slice(last));
  return parts.join("");
}

/**
 * A forgiving HTML tokenizer, in one pass: every search starts where the last one ended, so each
 * character is looked at a bounded number of times. Comments, doctypes and processing
 * instructions are dropped, CDATA is text, a `<` that starts no tag is text, and a tag left
 * unterminated at the end is dropped with the rest.
 */
export function readHtml(html: string, on: HtmlHandlers) {
  const n = html.length;
  let pending = "";
  const flush = () => {
    if (pending !== "") on.text(pending);
    pending = "";
  };
  let i = 0;
  while (i < n) {
    const lt = html.indexOf("<", i);
    if (lt === -1) {
      pending += decode(html.slice(i));
      break;
    }
    if (lt > i) pending += decode(html.slice(i, lt));
    i = lt;
    const next = html[i + 1];
    if (html.startsWith("<!--", i)) {
      const end = html.indexOf("-->", i + 4);
      i = end === -1 ? n : end + 3;
    } else if (html.startsWith("<![CDATA[", i)) {
      const end = html.indexOf("]]>", i + 9);
      pending += html.slice(i + 9, end === -1 ? n : end);
      i = end === -1 ? n : end + 3;
    } else if (next === "!" || next === "?") {
      const end = html.indexOf(">", i + 2);
      i = end === -1 ? n : end + 1;
    } else if (next === "/" && isLetter(html[i + 2])) {
      const nameEnd = endOfName(html, i + 2);
      const end = html.indexOf(">", nameEnd);
      flush();
      on.close(html.slice(i + 2, nameEnd).toLowerCase());
      i = end === -1 ? n : end + 1;
    } else if (isLetter(next)) {
      const nameEnd = endOfName(html, i + 1);
      const tag = html.slice(i + 1, nameEnd).toLowerCase();
      const { end, attrs, selfClosing } = readAttributes(html, nameEnd);
      if (end === -1) break;
      flush();
      i = end;
      if (RAW_TEXT.has(tag)) {
        if (selfClosing) continue;
        const closing = new RegExp(`</${tag}[\\s/>]`, "gi");
        closing.lastIndex = i;
        const found = closing.exec(html);
        const gt = found ? html.indexOf(">", found.index) : -1;
        i = gt === -1 ? n : gt + 1;
        continue;
      }
      on.open(tag, attrs);
      if (selfClosing && !VOID.has(tag)) on.close(tag);
    } else {
      pending += "<";
      i++;
    }
  }
  flush();
}

function endOfName(html: string, from: number): number {
  let i = from;
  while (i < html.length && !isSpace(html[i]) && html[i] !== "/" && html[i] !== ">") i++;
  return i;
}

/** The attributes from `from` to the tag's `>`: `end` just past it, or -1 when the text ends first. */
function readAttributes(html: string, from: number): { end: number; attrs: Attributes; selfClosing: boolean } {
  const n = html.length;
  const attrs: Attributes = {};
  let i = from;
  for (;;) {
    while (i < n && isSpace(html[i])) i++;
    if (i >= n) return { end: -1, attrs, selfClosing: false };
    if (html[i] === ">") return { end: i + 1, attrs, selfClosing: false };
    if (html[i] === "/") {
      if (html[i + 1] === ">") return { end: i + 2, attrs, selfClosing: true };
      i++;
      continue;
    }
    const nameStart = i;
    i++; // the first character is the name's, even "=" or a quote
    while (i < n && !isSpace(html[i]) && html[i] !== "=" && html[i] !== ">" && html[i] !== "/") i++;
    const name = html.slice(nameStart, i).toLowerCase();
    while (i < n && isSpace(html[i])) i++;
    let value = "";
    if (html[i] === "=") {
      i++;
      while (i < n && isSpace(html[i])) i++;
      const quote = html[i];
      if (quote === '"' || quote === "'") {
        const end = html.indexOf(quote, i + 1);
        if (end === -1) return { end: -1, attrs, selfClosing: false };
        value = html.slice(i + 1, end);
        i = end + 1;
      } else {
        const start = i;
        while (i < n && !isSpace(html[i]) && html[i] !== ">") i++;
        value = html.slice(start, i);
      }
    }
    // The first of a repeated attribute counts, as in a browser.
    if ((name === "href" || name === "alt") && attrs[name] === undefined) attrs[name] = decode(value);
  }
}
