import type { Metadata } from "next";
import { z } from "zod";
import { ArticleItem } from "@/components/ArticleItem";
import { listArticleTexts } from "@/lib/content/articles";
import { markTerms, searchArticles, searchTerms } from "@/lib/content/search";
import { SEARCH_PATH } from "@/lib/routes";
import { t } from "@/lib/i18n";

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

// ?q=… once, at most 200 characters; anything else reads as an empty search.
const querySchema = z.object({ q: z.string().trim().max(200).catch("") }).catch({ q: "" });

async function readQuery(searchParams: Props["searchParams"]): Promise<string> {
  return querySchema.parse(await searchParams).q;
}

export async function generateMetadata({ searchParams }: Props): Promise<Metadata> {
  const query = await readQuery(searchParams);
  // Result pages are for readers, not for search engines' indexes.
  return {
    title: query ? t("search.titleWithQuery", { query }) : t("search.title"),
    robots: { index: false, follow: true },
  };
}

export default async function SearchPage({ searchParams }: Props) {
  const query = await readQuery(searchParams);
  const results = query ? searchArticles(query, listArticleTexts()) : [];
  const terms = searchTerms(query);
  return (
    <>
      <h1>{t("search.title")}</h1>
      <form action={SEARCH_PATH} method="get" role="search" className="search-form">
        <label htmlFor="search-query">{t("search.label")}</label>
        <div className="search-row">
          <input id="search-query" name="q" type="search" defaultValue={query} maxLength={200} />
          <button type="submit">{t("search.button")}</button>
        </div>
      </form>
      {query && (
        <section aria-labelledby="results-heading">
          <h2 id="results-heading">
            {results.length === 0 ? t("search.none", { query }) : t("search.results", { count: results.length, query })}
          </h2>
          <ol className="article-list search-results">
            {results.map(({ article, excerpt }) => (
              <ArticleItem key={article.slug} article={article} heading="h3">
                <p>
                  {markTerms(excerpt, terms).map((part, index) =>
                    part.match ? <mark key={index}>{part.text}</mark> : part.text,
                  )}
                </p>
              </ArticleItem>
            ))}
          </ol>
        </section>
      )}
    </>
  );
}
