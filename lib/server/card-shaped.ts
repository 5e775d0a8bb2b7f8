import "server-only";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { hasRightToLeft } from "../i18n/languages";
import { siteLanguage } from "../i18n";
import { GEIST } from "./card-fonts";
import { fontScript, scriptFontFiles, type CardFile, type FontScript } from "./fonts";

// The social card, for the words next/og cannot lay out: it neither joins Arabic letters nor
// orders right-to-left text (it draws مرحبا as the isolated letters of ابحرم). A card on a
// right-to-left site, or with a letter of such a script, is drawn by sharp's text (Pango, with
// HarfBuzz shaping and FriBidi ordering, in the fonts the site bundles for Arabic, Urdu, Persian
// and Hebrew, not the machine's) in scripts/card-shaped.mjs, as a child process: sharp
// and libvips, once loaded, stay resident, and the server is kept small (as for cover blurs).
// Every other card stays next/og's, in the process: no process to start, and its Latin and CJK
// cards are drawn as before (Pango would need each CJK slice handed to fontconfig).
// Both draw the same card from CARD: the layout lives in app/articles/[slug]/opengraph-image.tsx
// for next/og and in the script for Pango.

export const CARD = {
  width: 1200,
  height: 630,
  padding: { x: 80, y: 72, gap: 24 },
  border: 16,
  colors: { background: "#fdfcf9", text: "#1d1c1a", accent: "#8a3b12", muted: "#5d5a54" },
  sizes: { name: 34, title: 68, longTitle: 56, meta: 30 },
  /** A title longer than this is set in the smaller size. */
  longTitle: 70,
} as const;

/** Grapheme clusters of a card's text kept (about four lines of title), and code points of each. */
const MAX_GRAPHEMES = 160;
const MAX_CLUSTER = 8;
// Embeddings, overrides and isolates the author left open would turn the rest of the card around;
// controls have no place in a line of text.
const UNWANTED = /[\p{Cc}\u202a-\u202e\u2066-\u2069]/gu;
const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/**
 * A card's words as they are drawn: without controls, at most MAX_GRAPHEMES clusters of at most
 * MAX_CLUSTER code points (a letter under a thousand combining marks is a letter and eight), "…"
 * where cut. What either drawing costs is bounded by what this lets through.
 */
export function cardText(text: string): string {
  const clean = text.slice(0, MAX_GRAPHEMES * MAX_CLUSTER * 2).replace(UNWANTED, "");
  const kept: string[] = [];
  for (const { segment } of graphemes.segment(clean)) {
    if (kept.length === MAX_GRAPHEMES) return `${kept.join("").trimEnd()}…`;
    kept.push([...segment].slice(0, MAX_CLUSTER).join(""));
  }
  return kept.join("");
}

/** Whether the card is drawn by Pango: a right-to-left site, or words in a right-to-left script. */
export function needsShaping(text: string): boolean {
  return siteLanguage().dir === "rtl" || hasRightToLeft(text);
}

const SCRIPT = path.join(/*turbopackIgnore: true*/ process.cwd(), "scripts", "card-shaped.mjs");
/** The decoded TrueType files, kept beside Next's build cache, so a restart decodes none again. */
const FONT_DIR = path.join(/*turbopackIgnore: true*/ process.cwd(), ".next", "cache", "card-fonts");

/** What scripts/card-shaped.mjs reads on its stdin. */
export type CardJob = {
  style: typeof CARD & { direction: "ltr" | "rtl" };
  name: string;
  title: string;
  meta: string;
  long: boolean;
  /** The article's own language's direction (front matter `lang:`), else the site's. */
  titleDirection: "ltr" | "rtl";
  families: string[];
  fonts: Array<{ file: string; key: string }>;
  cacheDir: string;
};

const HEBREW = /\p{Script=Hebrew}/u;
const ARABIC = /\p{Script=Arabic}/u;

/**
 * The fonts of the card: Geist for Latin (as next/og's cards), then the bundled Noto of each
 * right-to-left script it holds: the site's own (Urdu's Nastaliq, Persian's and Arabic's Naskh,
 * Hebrew's), Hebrew's for Hebrew letters, Naskh for Arabic letters on a site in another script. A
 * letter none of them has is left to the machine's fonts.
 */
function fonts(text: string): Pick<CardJob, "families" | "fonts"> {
  const own = fontScript(siteLanguage().tag);
  const scripts = new Set<FontScript>();
  if (own === "ar" || own === "ur" || own === "he") scripts.add(own);
  if (HEBREW.test(text)) scripts.add("he");
  if (own !== "ar" && own !== "ur" && (ARABIC.test(text) || scripts.size === 0)) scripts.add("ar");
  const script: CardFile[] = [...scripts].flatMap((name) => scriptFontFiles(name) ?? []);
  const files = [GEIST, ...script.map(({ file }) => file)];
  return {
    families: ["Geist", ...new Set(script.map(({ family }) => family))],
    fonts: files.map((file) => {
      const { size, mtimeMs } = fs.statSync(file);
      const id = createHash("sha256").update(`${file} ${size} ${mtimeMs}`).digest("base64url").slice(0, 12);
      return { file, key: `${path.basename(file).replace(/\.\w+$/, "")}.${id}` };
    }),
  };
}

/** The card as a PNG, drawn in a child process; see the top of this file. */
export async function shapedCard(
  words: { name: string; title: string; meta: string },
  titleDirection: "ltr" | "rtl" = siteLanguage().dir,
): Promise<Uint8Array> {
  const job: CardJob = {
    style: { ...CARD, direction: siteLanguage().dir },
    ...words,
    titleDirection,
    long: words.title.length > CARD.longTitle,
    ...fonts(words.name + words.title + words.meta),
    cacheDir: FONT_DIR,
  };
  const child = spawn(process.execPath, [SCRIPT], { stdio: ["pipe", "pipe", "pipe"], timeout: 30_000 });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
  child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
  child.stdin.end(JSON.stringify(job));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", resolve);
  });
  const png = Buffer.concat(out);
  if (code !== 0 || png.subarray(1, 4).toString() !== "PNG")
    throw new Error(`the card was not drawn (${code}): ${Buffer.concat(err).toString().slice(0, 500)}`);
  return new Uint8Array(png);
}
