// The languages the site can speak: one catalog each in lib/i18n/messages/. Imports nothing, so
// settings.ts checks SITE_LANGUAGE against it and client components may read it.

/** Every language with a complete catalog, English first (the source of every message). */
export const LANGUAGES = ["en", "fr", "de", "es", "pt-BR", "ja", "zh-Hans", "ar", "ur"] as const;
export type Language = (typeof LANGUAGES)[number];

/** Written right to left: the page gets dir="rtl". */
const RIGHT_TO_LEFT = new Set(["ar", "ur", "fa", "he"]);

/**
 * Languages a site may be written in before they have a catalog: Hebrew and Persian pages are
 * right to left, in their script's fonts (lib/server/fonts.ts), their dates and numbers their
 * own, and the interface's words English's until a catalog comes.
 */
export const WITHOUT_CATALOG = ["he", "fa"] as const;

/** The language subtag of a tag ("he-IL" → "he"), or null when it is not a tag. */
export function primaryLanguage(tag: string): string | null {
  try {
    return new Intl.Locale(tag).language;
  } catch {
    return null;
  }
}

/** Whether SITE_LANGUAGE may be `tag`: a language with a catalog, or one of WITHOUT_CATALOG. */
export function siteLanguageAccepted(tag: string): boolean {
  if (catalogLanguage(tag) !== null) return true;
  const language = isLanguageTag(tag) ? primaryLanguage(tag) : null;
  return (WITHOUT_CATALOG as readonly (string | null)[]).includes(language);
}

/**
 * For a language tag with no catalog of its own, the catalog of its language: fr-CA reads French,
 * pt (or pt-PT) Brazilian Portuguese, zh and zh-CN Simplified Chinese.
 */
const BY_LANGUAGE: Record<string, Language> = { pt: "pt-BR", zh: "zh-Hans" };

/** The catalog a BCP 47 tag reads ("fr-CA" → "fr"), or null when there is none (or the tag is not one). */
export function catalogLanguage(tag: string): Language | null {
  let canonical: string;
  try {
    [canonical] = Intl.getCanonicalLocales(tag);
  } catch {
    return null;
  }
  if (!canonical) return null;
  const exact = LANGUAGES.find((language) => language.toLowerCase() === canonical.toLowerCase());
  if (exact) return exact;
  const locale = new Intl.Locale(canonical);
  if (locale.language === "zh" && (locale.script === "Hant" || ["TW", "HK", "MO"].includes(locale.region ?? "")))
    return null; // Traditional Chinese is not Simplified Chinese
  return (
    BY_LANGUAGE[locale.language] ??
    LANGUAGES.find((language) => new Intl.Locale(language).language === locale.language) ??
    null
  );
}

/** Whether `tag` is a well-formed BCP 47 language tag ("fr", "pt-BR", "zh-Hans-CN"). */
export function isLanguageTag(tag: string): boolean {
  try {
    return Intl.getCanonicalLocales(tag).length === 1;
  } catch {
    return false;
  }
}

/** The canonical form of a tag ("pt-br" → "pt-BR"), as <html lang> carries it; the tag itself if it is not one. */
export function canonicalTag(tag: string): string {
  try {
    return Intl.getCanonicalLocales(tag)[0] ?? tag;
  } catch {
    return tag;
  }
}

export function textDirection(tag: string): "ltr" | "rtl" {
  try {
    return RIGHT_TO_LEFT.has(new Intl.Locale(tag).language) ? "rtl" : "ltr";
  } catch {
    return "ltr";
  }
}

/**
 * The locale dates and numbers are written in. English is British English, as the site always
 * wrote it ("20 November 2026"): a plain `en` keeps that; en-US asks for American.
 */
export const formatLocale = (tag: string) => (tag === "en" ? "en-GB" : tag);

/** Open Graph's locale (language_TERRITORY) for the social card. */
const OG_LOCALES: Record<string, string> = {
  en: "en_GB",
  fr: "fr_FR",
  de: "de_DE",
  es: "es_ES",
  "pt-BR": "pt_BR",
  ja: "ja_JP",
  "zh-Hans": "zh_CN",
  ar: "ar_AR",
  ur: "ur_PK",
  he: "he_IL",
  fa: "fa_IR",
};

export function openGraphLocale(tag: string): string {
  const region = (() => {
    try {
      return new Intl.Locale(tag).region;
    } catch {
      return undefined;
    }
  })();
  const primary = primaryLanguage(tag) ?? "";
  const language = catalogLanguage(tag) ?? (primary in OG_LOCALES ? primary : "en");
  return region && tag !== language ? `${tag.split("-")[0]}_${region}` : OG_LOCALES[language];
}

// The scripts written right to left that a reader's words may be in.
const RIGHT_TO_LEFT_LETTER =
  /[\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}\p{Script=Samaritan}\p{Script=Mandaic}\p{Script=Adlam}\p{Script=Hanifi_Rohingya}]/u;

/** Whether a text holds a letter of a script written right to left. */
export function hasRightToLeft(text: string): boolean {
  return RIGHT_TO_LEFT_LETTER.test(text);
}

/**
 * The direction of a text as dir="auto" reads it: its first letter's (markup and entities skipped);
 * null without a letter.
 */
export function writtenDirection(text: string): "ltr" | "rtl" | null {
  // Read up to the first letter only: a comment's whole HTML was copied for each one, on every render.
  const reader = /<[^>]*>|&#?\w+;|(\p{L})/gu;
  for (let match = reader.exec(text); match; match = reader.exec(text)) {
    const letter = match[1];
    if (letter !== undefined) return RIGHT_TO_LEFT_LETTER.test(letter) ? "rtl" : "ltr";
  }
  return null;
}
