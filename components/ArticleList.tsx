import Link from "next/link";
import { type ArticleSummary } from "@/lib/content/articles";
import { formatDay } from "@/lib/site";
import { TagList } from "./TagList";
import { articlePath } from "@/lib/routes";

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
            <p className="meta">
              {article.author} · <time dateTime={article.date}>{formatDay(article.date)}</time> ·{" "}
              {article.readingMinutes} min read
              {commentCounts && (
                <>
                  {" · "}
                  <Link href={`${articlePath(article.slug)}#comments`}>{plural(commentCounts.get(article.slug) ?? 0, "comment")}</Link>
                </>
              )}
            </p>
            <p>{article.description}</p>
            <TagList tags={article.tags} />
          </article>
        </li>
      ))}
    </ol>
  );
}
