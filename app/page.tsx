import Link from "next/link";
import { listArticles } from "@/lib/articles";
import { countCommentsByArticle } from "@/lib/comments";
import { formatDay, site } from "@/lib/site";

// Static, regenerated at most once a minute (and at once on the instance where a comment is
// posted) so the comment counts stay fresh without rendering the index for every request.
export const revalidate = 60;

async function commentCounts(): Promise<Map<string, number> | null> {
  try {
    return await countCommentsByArticle();
  } catch (error) {
    console.warn(`index: comment counts unavailable (${(error as Error).message.split("\n")[0].trim() || "database error"})`);
    return null;
  }
}

export default async function HomePage() {
  const articles = listArticles();
  const counts = await commentCounts();
  return (
    <>
      <p className="tagline">{site.tagline}</p>
      <h1 className="visually-hidden">Articles</h1>
      {articles.length === 0 ? (
        <p>Nothing published yet.</p>
      ) : (
        <ol className="article-list">
          {articles.map((article) => {
            const count = counts?.get(article.slug) ?? 0;
            return (
              <li key={article.slug}>
                <article>
                  <h2>
                    <Link href={`/articles/${article.slug}`}>{article.title}</Link>
                  </h2>
                  <p className="meta">
                    {article.author} · <time dateTime={article.date}>{formatDay(article.date)}</time>
                    {counts && (
                      <>
                        {" · "}
                        <Link href={`/articles/${article.slug}#comments`}>
                          {count === 1 ? "1 comment" : `${count} comments`}
                        </Link>
                      </>
                    )}
                  </p>
                  <p>{article.description}</p>
                </article>
              </li>
            );
          })}
        </ol>
      )}
    </>
  );
}
