import Link from "next/link";
import { articlePath, type ArticleSummary } from "@/lib/articles";
import { formatDay } from "@/lib/site";
import { TagList } from "./TagList";

/** Articles as the index, tag pages and the 404 page list them: title, byline, description. */
export function ArticleList({ articles }: { articles: ArticleSummary[] }) {
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
            </p>
            <p>{article.description}</p>
            <TagList tags={article.tags} />
          </article>
        </li>
      ))}
    </ol>
  );
}
