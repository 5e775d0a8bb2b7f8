import Link from "next/link";
import { type ArticleSummary } from "@/lib/content/articles";
import { articlePath } from "@/lib/routes";
import { t } from "@/lib/i18n";

/** Previous (older) and next (newer) articles, by date. */
export function ArticleNav({ newer, older }: { newer: ArticleSummary | null; older: ArticleSummary | null }) {
  if (!newer && !older) return null;
  return (
    <nav className="article-nav" aria-label={t("article.navLabel")}>
      {older && (
        <Link href={articlePath(older.slug)} rel="prev" className="article-nav-prev">
          <span className="article-nav-label">{t("article.previous")}</span>
          <span className="article-nav-title">{older.title}</span>
        </Link>
      )}
      {newer && (
        <Link href={articlePath(newer.slug)} rel="next" className="article-nav-next">
          <span className="article-nav-label">{t("article.next")}</span>
          <span className="article-nav-title">{newer.title}</span>
        </Link>
      )}
    </nav>
  );
}
