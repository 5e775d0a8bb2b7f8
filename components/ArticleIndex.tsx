import Link from "next/link";
import type { ReactNode } from "react";
import type { ArticleSummary } from "@/lib/content/articles";
import type { Page } from "@/lib/content/pagination";
import { authorPath } from "@/lib/routes";
import { site } from "@/lib/site";
import { ArticleList } from "./ArticleList";
import { AuthorPhoto } from "./AuthorPhoto";
import { Pagination } from "./Pagination";
import { t } from "@/lib/i18n";
import { rich } from "@/lib/i18n/rich";

/**
 * One page of the index, newest first, in the wide column. The first page opens with the site's
 * introduction: its name, what it is about, who writes it, and `follow` (the follow form).
 */
export function ArticleIndex({
  page,
  commentCounts,
  byline,
  follow,
}: {
  page: Page<ArticleSummary>;
  commentCounts?: Map<string, number> | null;
  /** An article by the site's author, for their name, photo and page; none, no byline. */
  byline?: ArticleSummary;
  follow?: ReactNode;
}) {
  return (
    <div className="wide">
      {page.page === 1 ? (
        <section className="hero" aria-label={t("index.about")}>
          <div className="hero-text">
            <h1>{site.name}</h1>
            <p className="tagline">{site.tagline}</p>
            {byline && (
              <p className="hero-author">
                <AuthorPhoto name={byline.author} photo={byline.authorPhoto} size={40} eager />
                <span>
                  {rich(t, "index.writtenBy", {
                    author: <Link href={authorPath(byline.author)}>{byline.author}</Link>,
                  })}
                </span>
              </p>
            )}
          </div>
          {follow}
        </section>
      ) : (
        <h1 className="visually-hidden">{t("index.pageTitle", { page: page.page })}</h1>
      )}
      {page.items.length === 0 ? (
        <p>{t("index.empty")}</p>
      ) : (
        <ArticleList articles={page.items} commentCounts={commentCounts} />
      )}
      <Pagination page={page.page} pageCount={page.pageCount} />
    </div>
  );
}
