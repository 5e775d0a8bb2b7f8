// A reader's comment for a mail's plain-text part: the sanitized HTML the page shows
// (lib/content/comment-markdown.ts), read back as the text the reader typed. Paragraphs stay
// paragraphs, quotes get "> ", list items "- " or "1. ", code keeps its spacing, a link shows its
// address. Its input is our own sanitizer's output (closed tags of a short allow-list, quoted
// attributes), not any HTML, so a small reader does; every character reference is decoded, in the
// forms both writers use (hast's `&#x3C;`, escapeHtml's `&lt;`), so the text never shows one.

type Element = { tag: string; attributes: Record<string, string>; children: Node[] };
type Node = Element | string;

const NAMED: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "\u00a0" };

/** Decodes `&#x3C;`, `&#60;` and the named references HTML writers use; an unknown name stays as written. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#[xX][0-9a-fA-F]{1,6}|#\d{1,7}|[a-zA-Z]{2,8});/g, (whole, name: string) => {
    if (name[0] !== "#") return NAMED[name] ?? whole;
    const code = name[1] === "x" || name[1] === "X" ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : "\ufffd";
  });
}

const TOKEN = /<(\/?)([a-zA-Z][a-zA-Z0-9]*)((?:\s+[a-zA-Z-]+(?:="[^"]*")?)*)\s*\/?>|[^<]+|</g;
const ATTRIBUTE = /([a-zA-Z-]+)(?:="([^"]*)")?/g;
const VOID = new Set(["br", "hr", "img"]);

/** The tree of sanitized HTML: a closing tag closes the nearest open element of its name. */
function parse(html: string): Node[] {
  const root: Element = { tag: "", attributes: {}, children: [] };
  const open: Element[] = [root];
  for (const [token, closing, name, attributes] of html.matchAll(TOKEN)) {
    const current = open.at(-1)!;
    if (!name) {
      current.children.push(token);
    } else if (closing) {
      const at = open.findLastIndex((element) => element.tag === name.toLowerCase());
      if (at > 0) open.length = at;
    } else {
      const element: Element = { tag: name.toLowerCase(), attributes: {}, children: [] };
      for (const [, key, value] of (attributes ?? "").matchAll(ATTRIBUTE))
        element.attributes[key.toLowerCase()] = decodeEntities(value ?? "");
      current.children.push(element);
      if (!VOID.has(element.tag)) open.push(element);
    }
  }
  return root.children;
}

/** The text of `<pre>`: every character as it is, spacing and line breaks included. */
const rawText = (nodes: Node[]): string =>
  nodes.map((node) => (typeof node === "string" ? decodeEntities(node) : rawText(node.children))).join("");

/** A link in text: its words and its address, or the address alone when that is what it says. */
function linkText(label: string, href: string | undefined): string {
  if (!href || href === label || href === `mailto:${label}`) return label;
  return label ? `${label} (${href})` : href;
}

/** Indents every line after the first under a list marker. */
const hang = (marker: string, text: string) => marker + text.split("\n").join(`\n${" ".repeat(marker.length)}`);

/** The blocks (paragraphs, quotes, lists, code) of some nodes, as text, in order. */
function blocks(nodes: Node[]): string[] {
  const out: string[] = [];
  let line = "";
  const flush = () => {
    const text = line.replace(/[ \t]*\n[ \t]*/g, "\n").trim();
    if (text) out.push(text);
    line = "";
  };
  for (const node of nodes) {
    if (typeof node === "string") {
      // Outside <pre>, a run of spaces and line breaks in the HTML is one space, as a browser shows it.
      line += decodeEntities(node).replace(/[ \t\r\n]+/g, " ");
      continue;
    }
    const inner = () => blocks(node.children).join("\n\n");
    switch (node.tag) {
      case "br":
        line += "\n";
        break;
      case "a":
        line += linkText(inner(), node.attributes.href);
        break;
      case "pre":
        flush();
        out.push(rawText(node.children).replace(/\n+$/, ""));
        break;
      case "blockquote":
        flush();
        out.push(
          inner()
            .split("\n")
            .map((text) => (text ? `> ${text}` : ">"))
            .join("\n"),
        );
        break;
      case "ul":
      case "ol": {
        flush();
        let number = Number(node.attributes.start ?? 1) || 1;
        const items = node.children.filter((child): child is Element => typeof child !== "string");
        const marker = () => (node.tag === "ol" ? `${number++}. ` : "- ");
        out.push(items.map((item) => hang(marker(), blocks(item.children).join("\n"))).join("\n"));
        break;
      }
      case "p":
      case "li":
        flush();
        out.push(...blocks(node.children));
        break;
      default: // em, strong, code: their words, without the emphasis a plain text cannot show
        line += inner();
    }
  }
  flush();
  return out;
}

/** A comment's sanitized HTML as plain text: what the reader typed, with no markup and no entity. */
export function commentText(html: string): string {
  return blocks(parse(html)).join("\n\n");
}
