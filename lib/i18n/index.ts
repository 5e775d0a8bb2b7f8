// The site's language (SITE_LANGUAGE) and its messages, for server components, server actions,
// mail, feeds and /admin alike. Client components get the words they show as props, formatted
// here: no catalog and no message parser travel to the browser.
import { settings } from "../settings";
import { catalogLanguage, openGraphLocale, textDirection, type Language } from "./languages";
import { formatsFor, type Formats } from "./format";
import { translator, type MessageValues, type Translate } from "./translate";
import type { MessageKey } from "./messages/en";

export type { Formats, Language, MessageKey, MessageValues, Translate };
export { formatsFor, translator };

export type SiteLanguage = {
  /** The tag as set, canonical: <html lang>. */
  tag: string;
  /** The catalog it reads. */
  language: Language;
  dir: "ltr" | "rtl";
  /** Open Graph's form of it, "fr_FR". */
  openGraphLocale: string;
  t: Translate;
  format: Formats;
};

let current: SiteLanguage | undefined;

/** The site's language, made once per value of SITE_LANGUAGE (settings.ts has checked it has a catalog). */
export function siteLanguage(): SiteLanguage {
  const tag = settings().SITE_LANGUAGE;
  if (current?.tag === tag) return current;
  const language = catalogLanguage(tag) ?? "en";
  current = {
    tag,
    language,
    dir: textDirection(tag),
    openGraphLocale: openGraphLocale(tag),
    t: translator(language, tag),
    format: formatsFor(tag),
  };
  return current;
}

/** A message in the site's language. In a loop, take `siteLanguage().t` once instead. */
export const t: Translate = (key, values) => siteLanguage().t(key, values);

/**
 * The messages a client component shows, formatted on the server: `pick(["form.post", …])`. The
 * component gets a few strings rather than a catalog and a parser.
 */
export function pick<K extends MessageKey>(keys: readonly K[], values?: MessageValues): Record<K, string> {
  const { t: translate } = siteLanguage();
  return Object.fromEntries(keys.map((key) => [key, translate(key, values)])) as Record<K, string>;
}

/** "42 seconds", "3 minutes": when a rate-limited reader may try again. */
export function waitFor(seconds: number): string {
  return seconds < 60 ? t("wait.seconds", { count: seconds }) : t("wait.minutes", { count: Math.ceil(seconds / 60) });
}
