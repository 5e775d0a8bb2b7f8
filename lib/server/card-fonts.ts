import "server-only";
import fs from "node:fs";
import path from "node:path";
import { LRUCache } from "lru-cache";
import { siteLanguage, type Language } from "../i18n";
import { scriptFontFiles } from "./fonts";
import { woff2ToTtf } from "./woff2";

// The social card's fonts (next/og). Its own font, Geist, is Latin only: a title in Japanese or
// Chinese would be drawn as empty boxes. For a site in one of those languages the card is given
// the site's script font too (lib/server/fonts.ts's SCRIPT_FONTS), after Geist, so Latin
// words keep Geist and next/og takes each other character from the font that has it. Japanese and
// Chinese come in a hundred-odd slices by character: only the slices of the card's text are read.
// A Latin site's card is given nothing: next/og's default, unchanged.

export type CardFont = { name: string; data: ArrayBuffer; weight: 400 | 700; style: "normal" };

const GEIST = path.join(
  process.cwd(),
  "node_modules",
  "next",
  "dist",
  "compiled",
  "@vercel",
  "og",
  "Geist-Regular.ttf",
);

// Japanese and Chinese only. next/og neither orders right-to-left text nor joins Arabic letters
// (it draws مرحبا as the isolated letters of ابحرم), and its reader refuses lookups of Noto's
// Naskh and Nastaliq: an Arabic or Urdu title keeps the empty boxes rather than read wrong.
const CARD_SCRIPTS = new Set<Language>(["ja", "zh-Hans"]);

// next/og draws a variable font's default instance, and its reader fails on these fonts' `fvar`.
const VARIATIONS = ["fvar", "gvar", "avar", "cvar", "HVAR", "VVAR", "MVAR", "STAT"];
const forNextOg = (tables: Map<string, Buffer>) => VARIATIONS.forEach((tag) => tables.delete(tag));

// Decoded files, by path: a CJK slice is about 100 KB once decoded, and a card needs a few.
const decoded = new LRUCache<string, ArrayBuffer>({ max: 40 });

function read(file: string): ArrayBuffer {
  let data = decoded.get(file);
  if (!data) {
    const bytes = fs.readFileSync(file);
    // next/og reads TTF and WOFF; the variable packages ship WOFF2 alone.
    const font = file.endsWith(".woff2") ? woff2ToTtf(bytes, forNextOg) : bytes;
    decoded.set(file, (data = font.buffer.slice(font.byteOffset, font.byteOffset + font.byteLength) as ArrayBuffer));
  }
  return data;
}

/** The fonts to draw `text` with on the card, or undefined where next/og's own font covers the site's language. */
export function cardFonts(text: string): CardFont[] | undefined {
  const { language } = siteLanguage();
  const files = CARD_SCRIPTS.has(language) ? scriptFontFiles(language) : null;
  if (!files) return undefined;
  const points = [...new Set([...text].map((char) => char.codePointAt(0)!))];
  const needed = files.filter(({ ranges }) =>
    ranges ? points.some((point) => ranges.some(([from, to]) => point >= from && point <= to)) : true,
  );
  return [
    { name: "Geist", data: read(GEIST), weight: 400, style: "normal" },
    // A name each: next/og takes one font per name and weight, so slices of one name hide each other.
    ...needed.map(({ file, weight }, i) => ({
      name: `Script ${i}`,
      data: read(file),
      weight,
      style: "normal" as const,
    })),
  ];
}
