import type { Metadata, Viewport } from "next";
import Link from "next/link";
import { headers } from "next/headers";
import { connection } from "next/server";
import { ContentRefresh } from "@/components/ContentRefresh";
import { RequestIdProvider } from "@/components/RequestId";
import { ThemeToggle } from "@/components/ThemeToggle";
import { SiteLogo } from "@/components/SiteLogo";
import { alternatesFor } from "@/lib/content/seo";
import { CONTENT_DIR } from "@/lib/content/articles";
import { contentFingerprint } from "@/lib/content/content-watch";
import { siteIcon } from "@/lib/content/site-icon";
import { site } from "@/lib/site";
import { THEME_SCRIPT } from "@/lib/theme";
import { fontStylesheet, preloadedFonts } from "@/lib/server/fonts";
import "./globals.css";
import { ATOM_PATH, RSS_PATH, SEARCH_PATH } from "@/lib/routes";
import { isDevelopment } from "@/lib/settings";
import { pick, siteLanguage } from "@/lib/i18n";
import { rich } from "@/lib/i18n/rich";
import { ERROR_WORDS } from "@/lib/i18n/client-words";
import { isRequestId, REQUEST_ID_HEADER } from "@/lib/server/request-id";
import "./design.css";
import "./comments.css";

// A function, so that the icon (read from content/ while the site runs: lib/content/site-icon.ts)
// and the Open Graph locale (SITE_LANGUAGE's) are the server's as it runs.
export function generateMetadata(): Metadata {
  const icon = siteIcon();
  return {
    metadataBase: new URL(site.url),
    title: { default: site.name, template: `%s · ${site.name}` },
    description: site.tagline,
    applicationName: site.name,
    authors: [{ name: site.author.name }],
    alternates: { types: alternatesFor("/").types },
    openGraph: { siteName: site.name, locale: site.locale, type: "website" },
    // The ICO first for browsers that take the first icon they can read; the others pick the SVG or PNG.
    icons: {
      icon: [
        { url: "/favicon.ico" },
        { url: icon.url, type: icon.type, sizes: icon.type === "image/svg+xml" ? "any" : undefined },
      ],
    },
  };
}

export const viewport: Viewport = {
  themeColor: [
    { media: "(prefers-color-scheme: light)", color: "#fdfcf9" },
    { media: "(prefers-color-scheme: dark)", color: "#171614" },
  ],
};

/** The error page's words, its arguments left for the browser to fill (lib/i18n/fill.ts). */
const errorWords = () => pick(ERROR_WORDS, { latest: "{latest}", reference: "{reference}", link: "{link}" });

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // Every page is rendered per request so that Next.js can put the CSP nonce from proxy.ts on its
  // scripts: a page written at build time would carry none, and its scripts would be refused.
  await connection();
  // For the error pages' reference (server.ts sets it; under plain `next start` it is the client's).
  const requestId = (await headers()).get(REQUEST_ID_HEADER);
  const { tag, dir, t } = siteLanguage();
  return (
    // The head script sets data-theme and a class on <html> before React hydrates.
    <html lang={tag} dir={dir === "rtl" ? "rtl" : undefined} suppressHydrationWarning>
      <head>
        <script dangerouslySetInnerHTML={{ __html: THEME_SCRIPT }} />
        {/* Self-hosted fonts (lib/server/fonts.ts): the two every page needs are fetched at once,
            beside the stylesheets, and their fallbacks take the same room until they arrive. */}
        {preloadedFonts().map((href) => (
          <link key={href} rel="preload" href={href} as="font" type="font/woff2" crossOrigin="anonymous" />
        ))}
        <link rel="stylesheet" href={fontStylesheet()} precedence="fonts" />
      </head>
      <body>
        <a className="skip-link" href="#main">
          {t("site.skip")}
        </a>
        <header className="site-header">
          <Link href="/" className="site-name">
            <SiteLogo />
            <span className="site-name-text">{site.name}</span>
          </Link>
          <nav aria-label={t("site.nav")} className="site-nav">
            <Link href="/">{t("site.articles")}</Link>
            <Link href="/tags">{t("site.tags")}</Link>
            <Link href={SEARCH_PATH}>{t("site.search")}</Link>
          </nav>
          <ThemeToggle label={t("site.theme")} />
        </header>
        <main id="main" tabIndex={-1}>
          <RequestIdProvider id={isRequestId(requestId) ? requestId : ""} words={errorWords()}>
            {children}
          </RequestIdProvider>
        </main>
        <footer className="site-footer">
          <p>
            {rich(t, "site.footer", {
              site: site.name,
              rss: <a href={RSS_PATH}>RSS</a>,
              atom: <a href={ATOM_PATH}>Atom</a>,
            })}
          </p>
        </footer>
        {isDevelopment() && <ContentRefresh fingerprint={contentFingerprint(CONTENT_DIR)} />}
      </body>
    </html>
  );
}
