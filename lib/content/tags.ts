import type { ArticleSummary } from "./articles";
import { slugify } from "../slug";

export type Tag = { name: string; slug: string; count: number };

/**
 * Every tag in use, most used first, then by name. A tag spelt differently in two articles
 * ("Next.js", "next.js") is one tag, named as its newest article spells it.
 */
export function listTags(articles: ArticleSummary[]): Tag[] {
  const tags = new Map<string, Tag>();
  for (const article of articles) {
    for (const name of article.tags) {
      const slug = slugify(name);
      const tag = tags.get(slug) ?? { name, slug, count: 0 };
      tag.count += 1;
      tags.set(slug, tag);
    }
  }
  return [...tags.values()].sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
}

/** The articles carrying a tag, in the order given (newest first from listArticles). */
export function articlesTagged(articles: ArticleSummary[], slug: string): ArticleSummary[] {
  return articles.filter((article) => article.tags.some((name) => slugify(name) === slug));
}
