import type { Article } from "./articles";
import { absoluteUrl, site } from "../site";
import { t } from "../i18n";
import { articlePath, ATOM_PATH, commentAnchor, commentFeedPath, RSS_PATH, tagPath } from "../routes";

/** Feed readers poll often; the newest twenty articles keep the file small. */
export const FEED_SIZE = 20;

// Hand-written rather than through a feed library: the two formats are small, and this way every
// value is escaped (no CDATA that a "]]>" in a code sample could end), RSS names authors with
// dc:creator (its own <author> must be an e-mail address), and the output is exactly what the
// tests parse back.
const XML_ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" };

// Characters XML 1.0 forbids even as references: C0 controls but tab and line breaks, U+FFFE,
// U+FFFF and halves of surrogate pairs. One in a comment would make a parser refuse the whole feed
// for every subscriber; input is cleaned of them (lib/comments/validation.ts), and this drops any
// that older rows still hold.
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|\p{Cs}/gu;

export function escapeXml(text: string): string {
  return text.replace(NOT_XML, "").replace(/[&<>"']/g, (char) => XML_ENTITIES[char]);
}

const rfc822 = (isoDay: string) => new Date(`${isoDay}T00:00:00Z`).toUTCString();
const rfc3339 = (isoDay: string) => `${isoDay}T00:00:00Z`;
const lastChange = (article: Article) => article.updated ?? article.date;

/** The newest change, not the build time: an unchanged site serves an unchanged feed. */
function newestChange(articles: Article[]): string {
  return articles.map(lastChange).sort().at(-1) ?? "1970-01-01";
}

/** RSS 2.0 with each article's full HTML in content:encoded. */
export function renderRss(articles: Article[]): string {
  const items = articles.map((article) => {
    const url = absoluteUrl(articlePath(article.slug));
    return `    <item>
      <title>${escapeXml(article.title)}</title>
      <link>${escapeXml(url)}</link>
      <guid isPermaLink="true">${escapeXml(url)}</guid>
      <pubDate>${rfc822(article.date)}</pubDate>
      <dc:creator>${escapeXml(article.author)}</dc:creator>
${article.tags.map((tag) => `      <category domain="${escapeXml(absoluteUrl(tagPath(tag)))}">${escapeXml(tag)}</category>\n`).join("")}      <description>${escapeXml(article.description)}</description>
      <content:encoded>${escapeXml(article.html)}</content:encoded>
    </item>
`;
  });
  return `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel>
    <title>${escapeXml(site.name)}</title>
    <link>${escapeXml(absoluteUrl("/"))}</link>
    <description>${escapeXml(site.tagline)}</description>
    <language>${site.language}</language>
    <lastBuildDate>${rfc822(newestChange(articles))}</lastBuildDate>
    <atom:link href="${escapeXml(absoluteUrl(RSS_PATH))}" rel="self" type="application/rss+xml"/>
${items.join("")}  </channel>
</rss>
`;
}

/** Atom 1.0 with each article's full HTML as its content. */
export function renderAtom(articles: Article[]): string {
  const entries = articles.map((article) => {
    const url = absoluteUrl(articlePath(article.slug));
    return `  <entry>
    <title>${escapeXml(article.title)}</title>
    <id>${escapeXml(url)}</id>
    <link rel="alternate" type="text/html" href="${escapeXml(url)}"/>
    <published>${rfc3339(article.date)}</published>
    <updated>${rfc3339(lastChange(article))}</updated>
    <author><name>${escapeXml(article.author)}</name></author>
${article.tags.map((tag) => `    <category term="${escapeXml(tag)}"/>\n`).join("")}    <summary>${escapeXml(article.description)}</summary>
    <content type="html">${escapeXml(article.html)}</content>
  </entry>
`;
  });
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${site.language}">
  <title>${escapeXml(site.name)}</title>
  <subtitle>${escapeXml(site.tagline)}</subtitle>
  <id>${escapeXml(absoluteUrl("/"))}</id>
  <link rel="alternate" type="text/html" href="${escapeXml(absoluteUrl("/"))}"/>
  <link rel="self" type="application/atom+xml" href="${escapeXml(absoluteUrl(ATOM_PATH))}"/>
  <updated>${rfc3339(newestChange(articles))}</updated>
  <author><name>${escapeXml(site.author.name)}</name></author>
${entries.join("")}</feed>
`;
}

export type FeedComment = { id: string; authorName: string; html: string; createdAt: Date; editedAt: Date | null };

/** Atom 1.0 of an article's newest published comments, each linking to its permalink. */
export function renderCommentAtom(article: Pick<Article, "slug" | "title">, comments: FeedComment[]): string {
  const articleUrl = absoluteUrl(articlePath(article.slug));
  const updated =
    comments
      .map((c) => (c.editedAt ?? c.createdAt).toISOString())
      .sort()
      .at(-1) ?? "1970-01-01T00:00:00.000Z";
  const entries = comments.map((comment) => {
    const url = `${articleUrl}#${commentAnchor(comment.id)}`;
    return `  <entry>
    <title>${escapeXml(t("feed.commentTitle", { name: comment.authorName, title: article.title }))}</title>
    <id>${escapeXml(url)}</id>
    <link rel="alternate" type="text/html" href="${escapeXml(url)}"/>
    <published>${comment.createdAt.toISOString()}</published>
    <updated>${(comment.editedAt ?? comment.createdAt).toISOString()}</updated>
    <author><name>${escapeXml(comment.authorName)}</name></author>
    <content type="html">${escapeXml(comment.html)}</content>
  </entry>
`;
  });
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${site.language}">
  <title>${escapeXml(t("feed.comments", { title: article.title }))}</title>
  <id>${escapeXml(absoluteUrl(commentFeedPath(article.slug)))}</id>
  <link rel="alternate" type="text/html" href="${escapeXml(`${articleUrl}#comments`)}"/>
  <link rel="self" type="application/atom+xml" href="${escapeXml(absoluteUrl(commentFeedPath(article.slug)))}"/>
  <updated>${updated}</updated>
  <author><name>${escapeXml(t("feed.readers", { site: site.name }))}</name></author>
${entries.join("")}</feed>
`;
}
