import { mf2 } from "microformats-parser";
import { z } from "zod";

// A Webmention's source page, read: does it link to the target, and what is it (microformats2,
// https://microformats.org/wiki/h-entry, read with microformats-parser): a reply (`u-in-reply-to`
// the target), a like (`u-like-of`), a repost (`u-repost-of`), or a mere mention; its author
// (`p-author` h-card: name, url, photo) and its content. Everything in it is the other site's word:
// each field is checked and bounded here; the text becomes a comment through the comment service.
// No I/O here: fetching is webmention-receive.ts's.

/** The most HTML read as microformats (scripts, styles and comments dropped first); past it, the rest is ignored. */
export const SOURCE_HTML_MAX = 256 * 1024;
const TEXT_MAX = 20_000;

export type SourceKind = "reply" | "like" | "repost" | "mention";

export type SourceEntry = {
  kind: SourceKind;
  author: { name: string | null; url: string | null; photo: string | null };
  /** The entry's text as markdown-safe plain text (for a reply), bounded. */
  text: string;
  /** The entry's own URL (`u-url`), else the source's. */
  url: string;
};

const httpUrl = z.url({ protocol: /^https?$/ }).max(2048);

type Mf2Value = string | { value?: unknown; html?: unknown; type?: unknown; properties?: Record<string, unknown[]> };
type Mf2Item = { type: string[]; properties: Record<string, Mf2Value[] | undefined>; children?: Mf2Item[] };

/** Drops what is never microformats nor a link and costs parsing: scripts, styles, inline SVG, comments. */
function slimmed(html: string): string {
  return html
    .slice(0, SOURCE_HTML_MAX * 2)
    .replace(/<!--[\s\S]*?-->/g, "")
    .replace(/<(script|style|svg|template)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, "");
}

/** Deeper than this, a page is not read as microformats (the parser recurses; real pages nest a few dozen deep). */
const DEPTH_MAX = 200;
const VOID = new Set("area base br col embed hr img input link meta source track wbr".split(" "));
const TAG = /<(\/?)([a-zA-Z][\w-]{0,40})([^<>]{0,4096})>/g;

/**
 * A run of text between two tags longer than any field keeps (TEXT_MAX) is cut to that before
 * parsing: the parser makes a token of every change between spaces and letters, and 256 KB of
 * "a a a" cost 26–94 ms of CPU (mostly its garbage), 2 once cut.
 */
const LONG_TEXT = new RegExp(`>([^<]{${TEXT_MAX}})[^<]+`, "g");

/** The most elements read as microformats: a long article has a few thousand; past them the rest is ignored. */
const ELEMENTS_MAX = 3000;

/**
 * The most microformats roots (`class="h-…"`) read: a reply's page has its h-entry, an h-card or
 * two and perhaps a list of earlier replies (entries() reads 50); each root costs the parser its properties, and
 * 750 small h-entries cost 40–160 ms of CPU. Past them the rest is ignored.
 */
const ROOTS_MAX = 50;
const ROOT = /\bclass\s*=\s*["']?[^"'>]*\bh-[a-z]/i;

/**
 * The part of a page read as microformats: its body, up to ELEMENTS_MAX elements and ROOTS_MAX
 * microformats roots; null when it nests deeper than DEPTH_MAX (counted by its tags: an unclosed
 * one counts as open, an overestimate).
 */
function readablePart(html: string): string | null {
  const body = /<body[\s>]/i.exec(html);
  const page = (body ? html.slice(body.index) : html).slice(0, SOURCE_HTML_MAX).replace(LONG_TEXT, ">$1");
  let depth = 0;
  let elements = 0;
  let roots = 0;
  for (const match of page.matchAll(TAG)) {
    const [, closing, name, rest] = match;
    if (VOID.has(name.toLowerCase()) || rest.endsWith("/")) continue;
    if (closing) {
      depth = Math.max(0, depth - 1);
      continue;
    }
    if (++depth > DEPTH_MAX) return null;
    if (++elements > ELEMENTS_MAX) return page.slice(0, match.index);
    if (ROOT.test(rest) && ++roots > ROOTS_MAX) return page.slice(0, match.index);
  }
  return page;
}

/** A URL without its fragment, for comparing links (a link to the article's #comments is a link to it). */
function sameDocument(a: string, b: string): boolean {
  try {
    const x = new URL(a);
    const y = new URL(b);
    x.hash = "";
    y.hash = "";
    return x.href === y.href;
  } catch {
    return false;
  }
}

const ATTRIBUTE = /\s(?:href|src)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/gi;

/** Whether the page links to the target: an element's href (or src) resolving to it, as the spec asks. */
export function linksTo(html: string, sourceUrl: string, target: string): boolean {
  for (const [, , , attributes] of slimmed(html).matchAll(TAG)) {
    for (const match of attributes.matchAll(ATTRIBUTE)) {
      const raw = (match[1] ?? match[2] ?? match[3] ?? "").replace(/&amp;/g, "&").trim();
      const url = raw ? URL.parse(raw, sourceUrl) : null;
      if (url && sameDocument(url.href, target)) return true;
    }
  }
  return false;
}

const urlOf = (value: Mf2Value | undefined): string | null => {
  if (typeof value === "string") return value;
  if (value && typeof value === "object") {
    const url = value.properties?.url?.[0];
    if (typeof url === "string") return url;
    if (typeof value.value === "string") return value.value;
  }
  return null;
};

const textOf = (value: Mf2Value | undefined): string | null => {
  if (typeof value === "string") return value;
  if (value && typeof value === "object" && typeof value.value === "string") return value.value;
  return null;
};

const checkedUrl = (value: string | null): string | null => (value && httpUrl.safeParse(value).success ? value : null);

/** The h-entries of a page, nested ones too (a feed page holds several), at most 50. */
function entries(items: Mf2Item[], found: Mf2Item[] = [], depth = 0): Mf2Item[] {
  for (const item of items) {
    if (found.length >= 50 || depth > 8) break;
    if (item.type.includes("h-entry")) found.push(item);
    if (item.children) entries(item.children, found, depth + 1);
    for (const values of Object.values(item.properties)) {
      for (const value of values ?? []) {
        if (value && typeof value === "object" && Array.isArray(value.type)) {
          entries([value as Mf2Item], found, depth + 1);
        }
      }
    }
  }
  return found;
}

/** What the entry does to the target, by its properties (in-reply-to before like-of before repost-of). */
function kindOf(entry: Mf2Item, target: string): SourceKind {
  const names = (property: string) => (entry.properties[property] ?? []).map(urlOf).filter((u) => u !== null);
  if (names("in-reply-to").some((u) => sameDocument(u, target))) return "reply";
  if (names("like-of").some((u) => sameDocument(u, target))) return "like";
  if (names("repost-of").some((u) => sameDocument(u, target))) return "repost";
  return "mention";
}

/**
 * Reads a source that links to the target: its h-entry (the one that names the target, else the
 * first), or, without microformats, a mention with nothing known of its author.
 */
export function readSource(html: string, sourceUrl: string, target: string): SourceEntry {
  const page = readablePart(slimmed(html));
  let all: Mf2Item[] = [];
  if (page?.trim()) {
    try {
      all = entries((mf2(page, { baseUrl: sourceUrl }) as unknown as { items: Mf2Item[] }).items);
    } catch {
      // Not HTML the parser takes: a mention with nothing known of it.
    }
  }
  const entry = all.find((e) => kindOf(e, target) !== "mention") ?? all[0];
  if (!entry) return { kind: "mention", author: { name: null, url: null, photo: null }, text: "", url: sourceUrl };
  const author = entry.properties.author?.[0];
  const card = author && typeof author === "object" ? author.properties : undefined;
  const name = textOf(card?.name?.[0] as Mf2Value | undefined) ?? (typeof author === "string" ? author : null);
  const content = entry.properties.content?.[0] ?? entry.properties.summary?.[0] ?? entry.properties.name?.[0];
  const ownUrl = checkedUrl(urlOf(entry.properties.url?.[0]));
  return {
    kind: kindOf(entry, target),
    author: {
      name: name ? name.replace(/\s+/g, " ").trim().slice(0, 200) || null : null,
      url: checkedUrl(urlOf(card?.url?.[0] as Mf2Value | undefined)),
      photo: checkedUrl(urlOf(card?.photo?.[0] as Mf2Value | undefined)),
    },
    text: (textOf(content) ?? "").trim().slice(0, TEXT_MAX),
    url: ownUrl && new URL(ownUrl).origin === new URL(sourceUrl).origin ? ownUrl : sourceUrl,
  };
}
