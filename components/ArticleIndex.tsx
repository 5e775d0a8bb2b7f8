import type { ArticleSummary } from "@/lib/content/articles";
import type { Page } from "@/lib/content/pagination";
import { site } from "@/lib/site";
import { ArticleList } from "./ArticleList";
import { Pagination } from "./Pagination";

/** One page of the index, newest first. */
export function ArticleIndex({
  page,
  commentCounts,
}: {
  page: Page<ArticleSummary>;
  commentCounts?: Map<string, number> | null;
}) {
  return (
    <>
      <p className="tagline">{site.tagline}</p>
      <h1 className="visually-hidden">{page.page === 1 ? "Articles" : `Articles, page ${page.page}`}</h1>
      {page.items.length === 0 ? (
        <p>Nothing published yet.</p>
      ) : (
        <ArticleList articles={page.items} commentCounts={commentCounts} />
      )}
      <Pagination page={page.page} pageCount={page.pageCount} />
    </>
  );
}
