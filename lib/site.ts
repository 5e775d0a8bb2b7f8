import { settings } from "./settings";
import { siteLanguage } from "./i18n";

/** Site-wide settings: the layout, metadata, feeds and `npm run new` read them from here. */
export const site = {
  name: "Marginalia",
  tagline: "Essays on building software, and the conversations they start.",
  // Canonical URLs, feeds, the sitemap and Open Graph tags are rendered at build time, so SITE_URL
  // is read by `next build`.
  url: settings().SITE_URL,
  /** SITE_LANGUAGE: <html lang>, the feeds' language, JSON-LD's inLanguage (lib/i18n). */
  get language(): string {
    return siteLanguage().tag;
  },
  /** Open Graph's form of it, "en_GB". */
  get locale(): string {
    return siteLanguage().openGraphLocale;
  },
  /** Written into new articles by `npm run new`, and named as the feeds' author. */
  author: {
    name: "Ahmad Waqar",
    bio: "Full-Stack Developer & Technical Writer. Passionate about building great software and sharing knowledge.",
  },
  articlesPerPage: 10,
} as const;

/** An absolute URL on this site, for places that leave the page: feeds, sitemap, social cards. */
export function absoluteUrl(pathname: string): string {
  return `${site.url}${pathname.startsWith("/") ? "" : "/"}${pathname}`;
}
