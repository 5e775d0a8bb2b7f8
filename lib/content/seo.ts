import type { Metadata } from "next";
import { type ArticleSummary } from "./articles";
import { absoluteUrl, site } from "../site";
import { articlePath, ATOM_PATH, commentFeedPath, RSS_PATH } from "../routes";

/**
 * A page's canonical URL plus the feed links. Next replaces `alternates` as a whole in each page
 * that sets it, so every page with a canonical URL must list the feeds again.
 */
export function alternatesFor(
  pathname: string,
  moreAtomFeeds: { url: string; title: string }[] = [],
): NonNullable<Metadata["alternates"]> {
  return {
    canonical: absoluteUrl(pathname),
    types: {
      "application/rss+xml": [{ url: RSS_PATH, title: `${site.name} (RSS)` }],
      "application/atom+xml": [{ url: ATOM_PATH, title: `${site.name} (Atom)` }, ...moreAtomFeeds],
    },
  };
}

const timestamp = (isoDay: string) => `${isoDay}T00:00:00Z`;

/** The generated social card (app/articles/[slug]/opengraph-image.tsx). */
export function articleImageUrl(slug: string): string {
  return absoluteUrl(`${articlePath(slug)}/opengraph-image`);
}

/**
 * Title, description, canonical URL, Open Graph article tags and a Twitter card. The og:image
 * tags come from the opengraph-image file next to the page, which Next adds on its own.
 */
export function articleMetadata(article: ArticleSummary): Metadata {
  const url = absoluteUrl(articlePath(article.slug));
  return {
    title: article.title,
    description: article.description,
    authors: [{ name: article.author }],
    keywords: article.tags,
    alternates: alternatesFor(articlePath(article.slug), [
      { url: commentFeedPath(article.slug), title: `Comments on “${article.title}” (Atom)` },
    ]),
    openGraph: {
      type: "article",
      url,
      title: article.title,
      description: article.description,
      siteName: site.name,
      locale: site.locale,
      publishedTime: timestamp(article.date),
      modifiedTime: timestamp(article.updated ?? article.date),
      authors: [article.author],
      tags: article.tags,
    },
    twitter: { card: "summary_large_image", title: article.title, description: article.description },
  };
}

/** schema.org BlogPosting, which search engines read for the headline, dates and author. */
export function blogPostingJsonLd(article: ArticleSummary) {
  const url = absoluteUrl(articlePath(article.slug));
  return {
    "@context": "https://schema.org",
    "@type": "BlogPosting",
    headline: article.title,
    description: article.description,
    url,
    mainEntityOfPage: { "@type": "WebPage", "@id": url },
    image: articleImageUrl(article.slug),
    datePublished: timestamp(article.date),
    dateModified: timestamp(article.updated ?? article.date),
    author: { "@type": "Person", name: article.author, description: article.authorBio },
    publisher: { "@type": "Organization", name: site.name, url: absoluteUrl("/") },
    keywords: article.tags,
    inLanguage: article.lang ?? site.language,
  };
}

/** JSON for a <script type="application/ld+json">: `<` escaped so no text can close the tag. */
export function jsonLdScript(data: object): string {
  return JSON.stringify(data).replace(/</g, "\\u003c");
}
