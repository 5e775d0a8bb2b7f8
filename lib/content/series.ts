import type { ArticleSummary } from "./articles";

export type Series = { name: string; parts: ArticleSummary[]; index: number };

/** The series an article belongs to (`series:` in its front matter), its parts oldest first. */
export function seriesOf(article: ArticleSummary, articles: ArticleSummary[]): Series | null {
  if (!article.series) return null;
  const parts = articles
    .filter((other) => other.series === article.series)
    .sort((a, b) => a.date.localeCompare(b.date) || a.title.localeCompare(b.title));
  const index = parts.findIndex((part) => part.slug === article.slug);
  return index === -1 ? null : { name: article.series, parts, index };
}
