import type { MetadataRoute } from "next";
import { listArticles } from "@/lib/content/articles";
import { absoluteUrl, site } from "@/lib/site";
import { articlesTagged, listTags } from "@/lib/content/tags";
import { articlePath, pagePath, tagPath } from "@/lib/routes";

const lastChange = (article: { date: string; updated?: string }) => article.updated ?? article.date;

// Written per request from the articles as the server has them now (content/ is read at run time),
// so a new, removed or scheduled article is in it or out of it at once.
export const dynamic = "force-dynamic";

/** Every public page built from content/, with the day it last changed. */
export default function sitemap(): MetadataRoute.Sitemap {
  const articles = listArticles();
  const newest = articles.map(lastChange).sort().at(-1);
  const pageCount = Math.max(1, Math.ceil(articles.length / site.articlesPerPage));
  return [
    ...Array.from({ length: pageCount }, (_, index) => ({
      url: absoluteUrl(pagePath(index + 1)),
      lastModified: newest,
    })),
    ...articles.map((article) => ({ url: absoluteUrl(articlePath(article.slug)), lastModified: lastChange(article) })),
    { url: absoluteUrl("/tags"), lastModified: newest },
    ...listTags(articles).map((tag) => ({
      url: absoluteUrl(tagPath(tag.name)),
      lastModified: articlesTagged(articles, tag.slug).map(lastChange).sort().at(-1),
    })),
  ];
}
