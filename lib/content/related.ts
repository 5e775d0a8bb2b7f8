import type { ArticleSummary } from "./articles";
import { slugify } from "../slug";

/**
 * Up to `limit` other articles that share tags with this one, most shared tags first, then newest.
 * Articles of the same series are left out: the series box already lists them.
 */
export function relatedArticles(article: ArticleSummary, articles: ArticleSummary[], limit = 3): ArticleSummary[] {
  const tags = new Set(article.tags.map(slugify));
  if (tags.size === 0) return [];
  return articles
    .filter((other) => other.slug !== article.slug && !(article.series && other.series === article.series))
    .map((other) => ({ other, shared: other.tags.filter((tag) => tags.has(slugify(tag))).length }))
    .filter(({ shared }) => shared > 0)
    .sort((a, b) => b.shared - a.shared || b.other.date.localeCompare(a.other.date))
    .slice(0, limit)
    .map(({ other }) => other);
}
