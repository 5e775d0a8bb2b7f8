import Link from "next/link";
import { pagePath } from "@/lib/routes";

/** Newer and older pages of the index. */
export function Pagination({ page, pageCount }: { page: number; pageCount: number }) {
  if (pageCount <= 1) return null;
  return (
    <nav className="pagination" aria-label="Pages">
      {page > 1 ? (
        <Link href={pagePath(page - 1)} rel="prev">
          ← Newer articles
        </Link>
      ) : (
        <span />
      )}
      <span className="pagination-position">
        Page {page} of {pageCount}
      </span>
      {page < pageCount ? (
        <Link href={pagePath(page + 1)} rel="next">
          Older articles →
        </Link>
      ) : (
        <span />
      )}
    </nav>
  );
}
