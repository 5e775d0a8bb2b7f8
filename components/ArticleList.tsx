import Link from "next/link";
import { articlePath, type ArticleSummary } from "@/lib/articles";
import { formatDay } from "@/lib/site";
import { TagList } from "./TagList";

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? "" : "s"}`;

/**
 * Articles as the index, tag pages and the 404 page list them: title, byline, description, and on
 * the index the comment count (absent when the database cannot be reached).
 */
export function ArticleList({ articles, commentCounts }: { articles: ArticleSummary[]; commentCounts?: Map<string, number> | null }) {
  return (
    <ol className="article-list">
      {articles.map((article) => (
        <li key={article.slug}>
          <article>
            <h2>
              <Link href={articlePath(article.slug)}>{article.title}</Link>
            </h2>
            {/* Each item keeps its words together: "6 comments" never breaks across lines on a phone. */}
            <p className="meta">
              <span className="meta-item">{article.author}</span> ·{" "}
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
