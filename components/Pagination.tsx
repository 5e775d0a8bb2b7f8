import Link from "next/link";
import { pagePath } from "@/lib/routes";
import { t } from "@/lib/i18n";

/** Newer and older pages of the index. */
export function Pagination({ page, pageCount }: { page: number; pageCount: number }) {
  if (pageCount <= 1) return null;
  return (
    <nav className="pagination" aria-label={t("pagination.label")}>
      {page > 1 ? (
        <Link href={pagePath(page - 1)} rel="prev">
          {t("pagination.newer")}
        </Link>
      ) : (
        <span />
      )}
      <span className="pagination-position">{t("pagination.position", { page, count: pageCount })}</span>
      {page < pageCount ? (
        <Link href={pagePath(page + 1)} rel="next">
          {t("pagination.older")}
        </Link>
      ) : (
        <span />
      )}
    </nav>
  );
}
