import "server-only";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { siteLanguage } from "../i18n";
import { catalogLanguage, primaryLanguage } from "../i18n/languages";

// The site's two web fonts, self-hosted from their npm packages (@fontsource-variable): Source
// Serif 4 to read, Inter around it. Only the Latin and Latin Extended files are declared (every
// language the site is written in); a Greek or Cyrillic word falls back to the system's font
// rather than fetching another file. app/layout.tsx links the @font-face rules and preloads the
// two upright Latin files, which every page needs; app/fonts/[file] serves them all under
// addresses that change with their bytes, so browsers keep them for a year.
//
// While a font loads, text shows in a local fallback scaled to the web font's average letter width
// and given its ascent and descent (size-adjust and the overrides, as next/font computes them), so
// lines neither rewrap nor move when it arrives. Metrics in font units: the web fonts' from their
// files, Arial's and Georgia's from capsize (the figures Next.js ships).

export const FONTS_PATH = "/fonts";

const LATIN =
  "U+0000-00FF, U+0131, U+0152-0153, U+02BB-02BC, U+02C6, U+02DA, U+02DC, U+0304, U+0308, U+0329, U+2000-206F, U+20AC, U+2122, U+2191, U+2193, U+2212, U+2215, U+FEFF, U+FFFD";
const LATIN_EXT =
  "U+0100-02BA, U+02BD-02C5, U+02C7-02CC, U+02CE-02D7, U+02DD-02FF, U+0304, U+0308, U+0329, U+1D00-1DBF, U+1E00-1E9F, U+1EF2-1EFF, U+2020, U+20A0-20AB, U+20AD-20C0, U+2113, U+2C60-2C7F, U+A720-A7FF";

export type Metrics = { unitsPerEm: number; ascent: number; descent: number; lineGap: number; xWidthAvg: number };

const INTER: Metrics = { unitsPerEm: 2048, ascent: 1984, descent: -494, lineGap: 0, xWidthAvg: 978 };
const SOURCE_SERIF: Metrics = { unitsPerEm: 1000, ascent: 1036, descent: -335, lineGap: 0, xWidthAvg: 479 };
const SOURCE_SERIF_ITALIC: Metrics = { ...SOURCE_SERIF, xWidthAvg: 441 };
const ARIAL: Metrics = { unitsPerEm: 2048, ascent: 1854, descent: -434, lineGap: 67, xWidthAvg: 913 };
const GEORGIA: Metrics = { unitsPerEm: 2048, ascent: 1878, descent: -449, lineGap: 0, xWidthAvg: 913 };
const GEORGIA_ITALIC: Metrics = { ...GEORGIA, xWidthAvg: 931 };

const percent = (value: number) => `${(value * 100).toFixed(2)}%`;

/** The descriptors that make `fallback` take the room `font` will: same average width, same line box. */
export function fallbackOverrides(font: Metrics, fallback: Metrics): Record<string, string> {
  const sizeAdjust = font.xWidthAvg / font.unitsPerEm / (fallback.xWidthAvg / fallback.unitsPerEm);
  const scaled = (units: number) => percent(Math.abs(units) / font.unitsPerEm / sizeAdjust);
  return {
    "size-adjust": percent(sizeAdjust),
    "ascent-override": scaled(font.ascent),
    "descent-override": scaled(font.descent),
    "line-gap-override": scaled(font.lineGap),
  };
}

type Face = {
  family: string;
  style: "normal" | "italic";
  weight: string;
  file: string;
  range: string;
  preload: boolean;
};

const face = (pkg: string, family: string, weight: string, style: Face["style"], subset: "latin" | "latin-ext") => ({
  family,
  style,
  weight,
  file: `${pkg.split("/")[1]}-${subset}-wght-${style}.woff2`,
  range: subset === "latin" ? LATIN : LATIN_EXT,
  preload: subset === "latin" && style === "normal",
  pkg,
});

const FACES = [
  face("@fontsource-variable/source-serif-4", "Source Serif 4 Variable", "200 900", "normal", "latin"),
  face("@fontsource-variable/source-serif-4", "Source Serif 4 Variable", "200 900", "normal", "latin-ext"),
  face("@fontsource-variable/source-serif-4", "Source Serif 4 Variable", "200 900", "italic", "latin"),
  face("@fontsource-variable/source-serif-4", "Source Serif 4 Variable", "200 900", "italic", "latin-ext"),
  face("@fontsource-variable/inter", "Inter Variable", "100 900", "normal", "latin"),
  face("@fontsource-variable/inter", "Inter Variable", "100 900", "normal", "latin-ext"),
];

const FALLBACKS = [
  {
    family: "Source Serif 4 Fallback",
    style: "normal",
    local: ["Georgia", "Gelasio"],
    font: SOURCE_SERIF,
    fallback: GEORGIA,
  },
  {
    family: "Source Serif 4 Fallback",
    style: "italic",
    local: ["Georgia Italic", "Georgia-Italic", "Gelasio Italic"],
    font: SOURCE_SERIF_ITALIC,
    fallback: GEORGIA_ITALIC,
  },
  // Liberation Sans and Arimo have Arial's metrics (Linux); Helvetica's are within a percent (macOS).
  {
    family: "Inter Fallback",
    style: "normal",
    local: ["Arial", "ArialMT", "Liberation Sans", "Arimo", "Helvetica"],
    font: INTER,
    fallback: ARIAL,
  },
];

type Served = { url: string; file: string; bytes: Buffer };

/** Each font file by its public name (`<file>.<hash>.woff2`), read once per process. */
const served: Map<string, Served & { face: Face }> = new Map(
  FACES.map((entry) => {
    // From the project's own node_modules, where `npm start` runs.
    const file = path.join(process.cwd(), "node_modules", entry.pkg, "files", entry.file);
    const bytes = fs.readFileSync(file);
    const hash = crypto.createHash("sha256").update(bytes).digest("base64url").slice(0, 10);
    const name = entry.file.replace(/\.woff2$/, `.${hash}.woff2`);
    return [name, { url: `${FONTS_PATH}/${name}`, file, bytes, face: entry }];
  }),
);

/**
 * The @font-face rules as a file of their own, `faces.<hash>.css`: pages link it (kept a year)
 * rather than carry its rules twice, in their HTML and in React's payload. Written on first use,
 * once per script (the script fonts differ).
 */
const facesFiles = new Map<string, { name: string; bytes: Buffer }>();
function faces(): { name: string; bytes: Buffer } {
  const script = siteScript() ?? "latin";
  let file = facesFiles.get(script);
  if (!file) {
    const bytes = Buffer.from(fontFaceCss());
    const hash = crypto.createHash("sha256").update(bytes).digest("base64url").slice(0, 10);
    facesFiles.set(script, (file = { name: `faces.${hash}.css`, bytes }));
  }
  return file;
}

/** The address of the stylesheet of @font-face rules, for the layout to link. */
export function fontStylesheet(): string {
  return `${FONTS_PATH}/${faces().name}`;
}

/**
 * A file under FONTS_PATH by the name in its address: a font (the site's script's only) or the
 * stylesheet; undefined for any other name.
 */
export function fontFile(name: string): { bytes: Buffer; type: string } | undefined {
  if (name === faces().name) return { bytes: faces().bytes, type: "text/css; charset=utf-8" };
  const latin = served.get(name)?.bytes;
  if (latin) return { bytes: latin, type: "font/woff2" };
  const script = scriptFonts(siteScript())?.files.get(name);
  if (script) return { bytes: fs.readFileSync(script), type: "font/woff2" };
  return articleFontFile(name);
}

/** The addresses the layout preloads: the upright Latin files, which every page's text needs, and an alphabet's one. */
export function preloadedFonts(): string[] {
  const latin = [...served.values()].filter(({ face }) => face.preload).map(({ url }) => url);
  return [...latin, ...(scriptFonts(siteScript())?.preload ?? [])];
}

/** Every @font-face rule of the site: the web fonts, then their fallbacks, then the site's script's. */
export function fontFaceCss(): string {
  const faces = [...served.values()].map(
    ({ url, face }) =>
      `@font-face{font-family:"${face.family}";font-style:${face.style};font-weight:${face.weight};font-display:swap;src:url(${url}) format("woff2");unicode-range:${face.range}}`,
  );
  const script = scriptFonts(siteScript());
  if (script) faces.push(...script.css);
  const fallbacks = FALLBACKS.map(({ family, style, local, font, fallback }) => {
    const overrides = Object.entries(fallbackOverrides(font, fallback))
      .map(([key, value]) => `${key}:${value}`)
      .join(";");
    const sources = local.map((name) => `local("${name}")`).join(",");
    return `@font-face{font-family:"${family}";font-style:${style};src:${sources};${overrides}}`;
  });
  return [...faces, ...fallbacks, ...(script ? [script.stacks] : [])].join("\n");
}

// The scripts Latin fonts lack, for the sites written in them (SITE_LANGUAGE; Persian in Arabic's
// Naskh, Hebrew in Noto Serif Hebrew, though neither has a catalog yet): Noto from its
// @fontsource packages, self-hosted like the Latin two and declared with their packages' own
// unicode-range subsets, so a page fetches the files of the characters it shows (a Japanese page
// a few of the hundred-odd slices of Noto Serif JP). Placed after the Latin family in --serif and
// --sans, so Latin words stay in Source Serif and Inter. A Latin-only site declares none of them.

type ScriptFont = {
  pkg: string;
  /** The package's stylesheets whose faces are taken. */
  sheets: readonly string[];
  /** Faces whose file names contain one of these are left out: the Latin fonts cover them. */
  skip: RegExp;
  /** Preloaded: a subset every page of the language needs (an alphabet, not a slice of CJK). */
  preload?: RegExp;
};

const SKIP_LATIN = /-(latin|latin-ext|cyrillic|cyrillic-ext|vietnamese|greek|math|symbols)-/;

const SCRIPT_FONTS = {
  // Naskh, for Arabic and Persian.
  ar: {
    pkg: "@fontsource-variable/noto-naskh-arabic",
    sheets: ["wght.css"],
    skip: SKIP_LATIN,
    preload: /-arabic-/,
  },
  // Nastaliq, the hand Urdu is read in; it comes in static weights.
  ur: {
    pkg: "@fontsource/noto-nastaliq-urdu",
    sheets: ["400.css", "700.css"],
    skip: SKIP_LATIN,
    preload: /-arabic-400-/,
  },
  ja: { pkg: "@fontsource-variable/noto-serif-jp", sheets: ["wght.css"], skip: SKIP_LATIN },
  "zh-Hans": { pkg: "@fontsource-variable/noto-serif-sc", sheets: ["wght.css"], skip: SKIP_LATIN },
  he: {
    pkg: "@fontsource-variable/noto-serif-hebrew",
    sheets: ["wght.css"],
    skip: SKIP_LATIN,
    preload: /-hebrew-/,
  },
} as const satisfies Record<string, ScriptFont>;

/** A script with fonts of its own: the key of its Noto in SCRIPT_FONTS. */
export type FontScript = keyof typeof SCRIPT_FONTS;

/** The languages without a catalog, by the script font they are read in: Persian in Arabic's Naskh. */
const SCRIPT_OF: Record<string, FontScript> = { fa: "ar", he: "he" };

/** The script font a language tag's text needs ("fa-IR" → "ar"), or null for a Latin language. */
export function fontScript(tag: string): FontScript | null {
  const language = catalogLanguage(tag);
  if (language && language in SCRIPT_FONTS) return language as FontScript;
  return SCRIPT_OF[primaryLanguage(tag) ?? ""] ?? null;
}

/** The site's script font (SITE_LANGUAGE), or null for a Latin language. */
const siteScript = () => fontScript(siteLanguage().tag);

type ScriptFaces = {
  css: string[];
  stacks: string;
  /** --serif and --sans with the script's family after the Latin one. */
  variables: string;
  preload: string[];
  files: Map<string, string>;
  /** The same faces for the social card (lib/server/card-fonts.ts): file, weight, code points. */
  card: CardFile[];
};
export type CardFile = {
  file: string;
  weight: 400 | 700;
  ranges: Array<[number, number]> | null;
  /** The name the font gives itself (the package's family without " Variable"), as Pango asks for it. */
  family: string;
};

/** The script font's files, for the social card; null for none. */
export function scriptFontFiles(script: FontScript | null): CardFile[] | null {
  return scriptFonts(script)?.card ?? null;
}

/** "U+0600-06FF, U+200C, U+4E??" as [from, to] pairs. */
function codePoints(range: string): Array<[number, number]> {
  return range.split(",").map((part) => {
    const [from, to = from] = part.trim().replace(/^U\+/i, "").split("-");
    return [parseInt(from.replace(/\?/g, "0"), 16), parseInt(to.replace(/\?/g, "f"), 16)];
  });
}
const scripts = new Map<FontScript, ScriptFaces>();

/** The @font-face rules, font stacks and files of a script; null for none (Latin). */
export function scriptFonts(script: FontScript | null): ScriptFaces | null {
  if (!script) return null;
  if (!scripts.has(script)) scripts.set(script, readScriptFont(SCRIPT_FONTS[script]));
  return scripts.get(script)!;
}

function readScriptFont(font: ScriptFont): ScriptFaces {
  const root = path.join(process.cwd(), "node_modules", font.pkg);
  const { version } = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { version: string };
  const css: string[] = [];
  const preload: string[] = [];
  const files = new Map<string, string>();
  const card: CardFile[] = [];
  let family = "";
  for (const sheet of font.sheets) {
    for (const rule of fs.readFileSync(path.join(root, sheet), "utf8").match(/@font-face\s*{[^}]*}/g) ?? []) {
      const file = /url\(\.\/files\/([^)]+\.woff2)\)/.exec(rule)?.[1];
      if (!file || font.skip.test(file)) continue;
      family = /font-family:\s*'([^']+)'/.exec(rule)![1];
      const weight = /font-weight:\s*([^;]+);/.exec(rule)![1].trim();
      const range = /unicode-range:\s*([^;]+);/.exec(rule)?.[1].trim();
      // The package's version names the bytes: a new version, a new address.
      const hash = crypto
        .createHash("sha256")
        .update(`${font.pkg}@${version}/${file}`)
        .digest("base64url")
        .slice(0, 10);
      const name = file.replace(/\.woff2$/, `.${hash}.woff2`);
      files.set(name, path.join(root, "files", file));
      card.push({
        file: path.join(root, "files", file),
        weight: /^\d+$/.test(weight) && Number(weight) >= 600 ? 700 : 400,
        ranges: range ? codePoints(range) : null,
        family: family.replace(/ Variable$/, ""),
      });
      const url = `${FONTS_PATH}/${name}`;
      if (font.preload?.test(file)) preload.push(url);
      css.push(
        `@font-face{font-family:"${family}";font-style:normal;font-weight:${weight};font-display:swap;src:url(${url}) format("woff2")${range ? `;unicode-range:${range}` : ""}}`,
      );
    }
  }
  const variables =
    `--serif:"Source Serif 4 Variable","${family}","Source Serif 4 Fallback",Georgia,serif;` +
    `--sans:"Inter Variable","${family}","Inter Fallback",Arial,sans-serif`;
  return { css, stacks: `html:root{${variables}}`, variables, preload, files, card };
}

// An article in another script than the site's (front matter `lang: he` on an English site) links
// that script's stylesheet of its own: its faces, and its family in the stacks of that article
// alone (`.article:lang(he)`), so the rest of the site and other pages load nothing more.

/** The languages whose articles a script's stylesheet gives its family. */
const ARTICLE_LANGUAGES: Record<FontScript, string[]> = {
  ar: ["ar", "fa"],
  ur: ["ur"],
  ja: ["ja"],
  "zh-Hans": ["zh"],
  he: ["he"],
};

const articleSheets = new Map<FontScript, { name: string; bytes: Buffer }>();
function articleSheet(script: FontScript): { name: string; bytes: Buffer } {
  let sheet = articleSheets.get(script);
  if (!sheet) {
    const faces = scriptFonts(script)!;
    const selector = ARTICLE_LANGUAGES[script].map((language) => `:lang(${language})`).join(",");
    const bytes = Buffer.from(
      [...faces.css, `.article:is(${selector}){${faces.variables};font-family:var(--serif)}`].join("\n"),
    );
    const hash = crypto.createHash("sha256").update(bytes).digest("base64url").slice(0, 10);
    articleSheets.set(script, (sheet = { name: `faces-${script}.${hash}.css`, bytes }));
  }
  return sheet;
}

/**
 * The stylesheet an article in language `lang` links for its script's fonts; null when the site's
 * own fonts cover it (a Latin language, or the site's own script).
 */
export function articleFontStylesheet(lang: string): string | null {
  const script = fontScript(lang);
  if (!script || script === siteScript()) return null;
  return `${FONTS_PATH}/${articleSheet(script).name}`;
}

/** An article stylesheet, or a font file of its script, by name; undefined for any other. */
function articleFontFile(name: string): { bytes: Buffer; type: string } | undefined {
  const script = /^faces-([\w-]+)\.[\w-]{10}\.css$/.exec(name)?.[1];
  if (script && Object.hasOwn(SCRIPT_FONTS, script)) {
    const sheet = articleSheet(script as FontScript);
    return sheet.name === name ? { bytes: sheet.bytes, type: "text/css; charset=utf-8" } : undefined;
  }
  // Each script's files are named by their package's file (noto-serif-hebrew-…): only that script is read.
  for (const [key, font] of Object.entries(SCRIPT_FONTS) as Array<[FontScript, ScriptFont]>) {
    if (!name.startsWith(`${font.pkg.split("/")[1]}-`)) continue;
    const file = scriptFonts(key)!.files.get(name);
    if (file) return { bytes: fs.readFileSync(file), type: "font/woff2" };
  }
  return undefined;
}
