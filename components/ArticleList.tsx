import Link from "next/link";
import { type ArticleSummary } from "@/lib/content/articles";
import { formatDay } from "@/lib/site";
import { CardCover } from "./CardCover";
import { StatusBadge } from "./StatusBadge";
import { TagList } from "./TagList";
import { articlePath, authorPath } from "@/lib/routes";

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? "" : "s"}`;

/**
 * Articles as the index, tag pages and the 404 page list them: title, byline, description, and on
 * the index the comment count (absent when the database cannot be reached).
 */
export function ArticleList({
  articles,
  commentCounts,
}: {
  articles: ArticleSummary[];
  commentCounts?: Map<string, number> | null;
}) {
  return (
    <ol className="article-list">
      {articles.map((article, index) => (
        <li key={article.slug}>
          <article>
            <CardCover article={article} priority={index === 0} />
            <h2>
              <Link href={articlePath(article.slug)}>{article.title}</Link> <StatusBadge article={article} />
            </h2>
            {/* Each item keeps its words together: "6 comments" never breaks across lines on a phone. */}
            <p className="meta">
              <Link className="meta-item author-link" href={authorPath(article.author)}>
                {article.author}
              </Link>{" "}
              ·{" "}
              <time className="meta-item" dateTime={article.date}>
                {formatDay(article.date)}
              </time>{" "}
              · <span className="meta-item">{article.readingMinutes} min read</span>
              {commentCounts && (
                <>
                  {" · "}
                  <Link className="meta-item" href={`${articlePath(article.slug)}#comments`}>
                    {plural(commentCounts.get(article.slug) ?? 0, "comment")}
                  </Link>
                </>
              )}
            </p>
            <p className="description">{article.description}</p>
            <TagList tags={article.tags} />
          </article>
        </li>
      ))}
    </ol>
  );
}
