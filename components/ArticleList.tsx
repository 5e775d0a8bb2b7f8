import { type ArticleSummary } from "@/lib/content/articles";
import { ArticleItem } from "./ArticleItem";

/**
 * Articles as the index, tag, author and 404 pages list them, as cards (a grid where the column is
 * wide enough, the first one across it): cover, title, byline, description, and on the index the
 * comment count (absent when the database cannot be reached).
 */
export function ArticleList({
  articles,
  commentCounts,
}: {
  articles: ArticleSummary[];
  commentCounts?: Map<string, number> | null;
}) {
  return (
    <ol className="article-list card-grid">
      {articles.map((article, index) => (
        <ArticleItem
          key={article.slug}
          article={article}
          cover
          priority={index === 0}
          commentCount={commentCounts ? (commentCounts.get(article.slug) ?? 0) : undefined}
        >
          <p className="description">{article.description}</p>
        </ArticleItem>
      ))}
    </ol>
  );
}
