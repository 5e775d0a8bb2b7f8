import "server-only";
import fs from "node:fs";
import path from "node:path";
import { LRUCache } from "lru-cache";
import { siteLanguage } from "../i18n";
import { fontScript, scriptFontFiles, type FontScript } from "./fonts";

// The social card's fonts (next/og). Its own font, Geist, is Latin only: a title in Japanese or
// Chinese would be drawn as empty boxes. For a site in one of those languages the card is given
// the site's script font too (lib/server/fonts.ts's SCRIPT_FONTS), after Geist, so Latin
// words keep Geist and next/og takes each other character from the font that has it. Japanese and
// Chinese come in a hundred-odd slices by character: only the slices of the card's text are read.
// So is the card of a Japanese or Chinese title on a site in another language. A Latin card is
// given nothing: next/og's default, unchanged.

export type CardFont = { name: string; data: ArrayBuffer; weight: 400 | 700; style: "normal" };

export const GEIST = path.join(
  process.cwd(),
  "node_modules",
  "next",
  "dist",
  "compiled",
  "@vercel",
  "og",
  "Geist-Regular.ttf",
);

// Japanese and Chinese only: Arabic, Urdu, Persian and Hebrew cards are Pango's (lib/server/card-shaped.ts).
const CARD_SCRIPTS = new Set<FontScript>(["ja", "zh-Hans"]);

// next/og draws a variable font's default instance, and its reader fails on these fonts' `fvar`.
const VARIATIONS = new Set(["fvar", "gvar", "avar", "cvar", "HVAR", "VVAR", "MVAR", "STAT"]);

/**
 * The same TrueType font without its variation tables: a new table directory (12 bytes, then 16
 * per table) over the tables kept, each at a 4-byte boundary. Checksums are left as they were:
 * next/og does not check them.
 */
function withoutVariations(font: Buffer): Buffer {
  const count = font.readUInt16BE(4);
  const tables = Array.from({ length: count }, (_, i) => {
    const entry = 12 + i * 16;
    return {
      tag: font.toString("latin1", entry, entry + 4),
      entry,
      offset: font.readUInt32BE(entry + 8),
      length: font.readUInt32BE(entry + 12),
    };
  }).filter(({ tag }) => !VARIATIONS.has(tag));
  const header = Buffer.alloc(12 + tables.length * 16);
  font.copy(header, 0, 0, 12);
  header.writeUInt16BE(tables.length, 4);
  const bodies: Buffer[] = [];
  let offset = header.length;
  tables.forEach(({ entry, length, offset: from }, i) => {
    font.copy(header, 12 + i * 16, entry, entry + 16);
    header.writeUInt32BE(offset, 12 + i * 16 + 8);
    const padded = Buffer.alloc((length + 3) & ~3);
    font.copy(padded, 0, from, from + length);
    bodies.push(padded);
    offset += padded.length;
  });
  return Buffer.concat([header, ...bodies]);
}

// wawoff2 answers with a view of its WebAssembly memory, which its next decoding overwrites: one
// decoding at a time, copied out before the next starts.
let decoding: Promise<unknown> = Promise.resolve();
function decodeWoff2(bytes: Buffer): Promise<Buffer> {
  // Loaded on the first card that needs it, not with the server.
  const decoded = decoding.then(async () => Buffer.from(await (await import("wawoff2")).decompress(bytes)));
  decoding = decoded.catch(() => undefined);
  return decoded;
}

// Decoded files, by path: a CJK slice is about 100 KB once decoded, and a card needs a few.
const decoded = new LRUCache<string, ArrayBuffer>({ max: 40 });

async function read(file: string): Promise<ArrayBuffer> {
  let data = decoded.get(file);
  if (!data) {
    const bytes = fs.readFileSync(file);
    // next/og reads TTF and WOFF; the variable packages ship WOFF2 alone (wawoff2: Google's decoder).
    const font = file.endsWith(".woff2") ? withoutVariations(await decodeWoff2(bytes)) : bytes;
    decoded.set(file, (data = font.buffer.slice(font.byteOffset, font.byteOffset + font.byteLength) as ArrayBuffer));
  }
  return data;
}

// next/og (satori) fetches, for every character its fonts lack, a font from Google Fonts or an
// emoji's image from a CDN (its loader is built in and cannot be given another): a request per card
// out of the server, with words the articles' authors chose, and offline a failed one per drawing
// and the character drawn as an empty box. So the card is given only what its fonts draw: the
// graphemes satori would find in them, by the same test, read from the fonts' own cmap; the others
// (emoji, private use, lone surrogates, a script none of the fonts has, as Thai or Devanagari on a
// Latin site) are left out, a space that is not drawn becomes an ordinary one. No emoji font is
// bundled, so emoji go too. tests/unit/card-offline.test.ts holds this to next/og's behaviour.

/** A font's code points with a glyph, as satori's opentype.js reads them: the same subtable, formats 4 and 12. */
function codePointsOf(data: ArrayBuffer): Set<number> {
  const font = Buffer.from(data);
  const tables = font.readUInt16BE(4);
  const entry = Array.from({ length: tables }, (_, i) => 12 + i * 16).find(
    (at) => font.toString("latin1", at, at + 4) === "cmap",
  );
  if (entry === undefined) throw new Error("a card font without a cmap");
  const cmap = font.readUInt32BE(entry + 8);
  let sub = -1;
  // The last record of a Unicode encoding, as opentype.js takes it.
  for (let i = font.readUInt16BE(cmap + 2) - 1; i >= 0 && sub < 0; i--) {
    const [platform, encoding] = [font.readUInt16BE(cmap + 4 + i * 8), font.readUInt16BE(cmap + 6 + i * 8)];
    if ((platform === 3 && [0, 1, 10].includes(encoding)) || (platform === 0 && encoding <= 4))
      sub = cmap + font.readUInt32BE(cmap + 8 + i * 8);
  }
  if (sub < 0) throw new Error("a card font without a Unicode cmap");
  const points = new Set<number>();
  const format = font.readUInt16BE(sub);
  if (format === 12) {
    for (let g = 0, groups = font.readUInt32BE(sub + 12); g < groups; g++) {
      const at = sub + 16 + g * 12;
      const [from, to, glyph] = [font.readUInt32BE(at), font.readUInt32BE(at + 4), font.readUInt32BE(at + 8)];
      for (let point = from; point <= to; point++) if (glyph + point - from) points.add(point);
    }
  } else if (format === 4) {
    const segments = font.readUInt16BE(sub + 6) / 2;
    // The last segment (0xFFFF) is left out, as opentype.js leaves it.
    for (let i = 0; i < segments - 1; i++) {
      const to = font.readUInt16BE(sub + 14 + i * 2);
      const from = font.readUInt16BE(sub + 16 + segments * 2 + i * 2);
      const delta = font.readInt16BE(sub + 16 + segments * 4 + i * 2);
      const rangeAt = sub + 16 + segments * 6 + i * 2;
      const range = font.readUInt16BE(rangeAt);
      for (let point = from; point <= to; point++) {
        let glyph = range ? font.readUInt16BE(rangeAt + range + (point - from) * 2) : point;
        if (glyph || !range) glyph = (glyph + delta) & 0xffff;
        if (glyph) points.add(point);
      }
    }
  } else throw new Error(`a card font with a cmap of format ${format}`);
  return points;
}

const covered = new WeakMap<ArrayBuffer, Set<number>>();
function coverage(data: ArrayBuffer): Set<number> {
  let points = covered.get(data);
  if (!points) covered.set(data, (points = codePointsOf(data)));
  return points;
}

let geist: CardFont | undefined;
const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/** One pass of satori's test: the graphemes it would draw kept, the others left out. */
function drawnGraphemes(text: string, fonts: Set<number>[]): string {
  // satori takes a grapheme's font as the first that has its first code point, and keeps that
  // choice for the text's later graphemes of the same first UTF-16 unit (an astral character's
  // high surrogate): the grapheme is drawn if that font has all its code points.
  const chosen = new Map<number, Set<number>>();
  let kept = "";
  for (const { segment } of graphemes.segment(text)) {
    const points = [...segment].map((char) => char.codePointAt(0)!);
    const unit = segment.charCodeAt(0);
    const font = chosen.get(unit) ?? fonts.find((candidate) => candidate.has(points[0]));
    if (segment === "\n" || segment === "\t") kept += segment;
    else if (font && points.every((point) => font.has(point))) {
      chosen.set(unit, font);
      kept += segment;
    } else if (/^\s+$/u.test(segment)) kept += " ";
  }
  return kept;
}

/**
 * `text` as the card can draw it in `fonts` (cardFonts' answer; undefined, next/og's own Geist):
 * without the graphemes none of them has, which next/og would otherwise fetch a font or an image
 * for; spaces left around them collapsed.
 */
export function drawableText(text: string, fonts: CardFont[] | undefined): string {
  geist ??= { name: "Geist", data: new Uint8Array(fs.readFileSync(GEIST)).buffer, weight: 400, style: "normal" };
  const sets = (fonts ?? [geist]).map(({ data }) => coverage(data));
  // Collapsing spaces can change a grapheme (a combining mark after a space): again until nothing changes.
  for (let current = text; ;) {
    const next = drawnGraphemes(current, sets).replace(/ {2,}/g, " ").trim();
    if (next === current) return next;
    current = next;
  }
}

const KANA = /[\p{Script=Hiragana}\p{Script=Katakana}]/u;
const HAN = /\p{Script=Han}/u;

/**
 * The script font of a card: the site's (Japanese, Chinese); else that of the article's own
 * language (`lang`); else, for Chinese characters in another site's card, Japanese where it has
 * kana, Chinese otherwise. Given nothing, the card would leave those characters out.
 */
function cardScript(text: string, lang: string | undefined): FontScript | null {
  for (const tag of [siteLanguage().tag, lang]) {
    const script = tag ? fontScript(tag) : null;
    if (script && CARD_SCRIPTS.has(script)) return script;
  }
  return KANA.test(text) ? "ja" : HAN.test(text) ? "zh-Hans" : null;
}

/** The fonts to draw `text` (of an article in `lang`) with on the card, or undefined where next/og's own font covers it. */
export async function cardFonts(text: string, lang?: string): Promise<CardFont[] | undefined> {
  const script = cardScript(text, lang);
  const files = script ? scriptFontFiles(script) : null;
  if (!files) return undefined;
  const points = [...new Set([...text].map((char) => char.codePointAt(0)!))];
  const needed = files.filter(({ ranges }) =>
    ranges ? points.some((point) => ranges.some(([from, to]) => point >= from && point <= to)) : true,
  );
  return [
    { name: "Geist", data: await read(GEIST), weight: 400, style: "normal" },
    // A name each: next/og takes one font per name and weight, so slices of one name hide each other.
    ...(await Promise.all(
      needed.map(async ({ file, weight }, i) => ({
        name: `Script ${i}`,
        data: await read(file),
        weight,
        style: "normal" as const,
      })),
    )),
  ];
}
