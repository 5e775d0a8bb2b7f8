import Link from "next/link";
import { type ArticleSummary } from "@/lib/content/articles";
import type { Series } from "@/lib/content/series";
import { articlePath } from "@/lib/routes";
import { t } from "@/lib/i18n";
import { rich } from "@/lib/i18n/rich";

/** The series an article is part of: "Part 2 of 4", every part, and the next one. */
export function SeriesBox({ series, slug }: { series: Series; slug: string }) {
  const next = series.parts[series.index + 1];
  return (
    <nav className="series" aria-labelledby="series-heading">
      <h2 id="series-heading">
        {t("article.series", { series: series.name, part: series.index + 1, count: series.parts.length })}
      </h2>
      <ol>
        {series.parts.map((part) => (
          <li key={part.slug}>
            {part.slug === slug ? (
              <span aria-current="page">{part.title}</span>
            ) : (
              <Link href={articlePath(part.slug)}>{part.title}</Link>
            )}
          </li>
        ))}
      </ol>
      {next && (
        <p>{rich(t, "article.seriesNext", { title: <Link href={articlePath(next.slug)}>{next.title}</Link> })}</p>
      )}
    </nav>
  );
}

/** Articles that share tags with this one. */
export function RelatedArticles({ articles }: { articles: ArticleSummary[] }) {
  if (articles.length === 0) return null;
  return (
    <section className="more-to-read" aria-labelledby="related-heading">
      <h2 id="related-heading">{t("article.related")}</h2>
      <ul>
        {articles.map((article) => (
          <li key={article.slug}>
            <Link href={articlePath(article.slug)}>{article.title}</Link>
            <p className="meta">{article.description}</p>
          </li>
        ))}
      </ul>
    </section>
  );
}
