import Link from "next/link";
import { listArticles } from "@/lib/articles";
import { formatDay, site } from "@/lib/site";

export default function HomePage() {
  const articles = listArticles();
  return (
    <>
      <p className="tagline">{site.tagline}</p>
      <h1 className="visually-hidden">Articles</h1>
      {articles.length === 0 ? (
        <p>Nothing published yet.</p>
      ) : (
        <ol className="article-list">
          {articles.map((article) => (
            <li key={article.slug}>
              <article>
                <h2>
                  <Link href={`/articles/${article.slug}`}>{article.title}</Link>
                </h2>
                <p className="meta">
                  {article.author} · <time dateTime={article.date}>{formatDay(article.date)}</time>
                </p>
                <p>{article.description}</p>
              </article>
            </li>
          ))}
        </ol>
      )}
    </>
  );
}
