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
// A Latin site's card is given nothing: next/og's default, unchanged.

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

/** The fonts to draw `text` with on the card, or undefined where next/og's own font covers the site's language. */
export async function cardFonts(text: string): Promise<CardFont[] | undefined> {
  const script = fontScript(siteLanguage().tag);
  const files = script && CARD_SCRIPTS.has(script) ? scriptFontFiles(script) : null;
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
