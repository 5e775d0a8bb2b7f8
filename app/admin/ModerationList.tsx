import Link from "next/link";
import { listArticles } from "@/lib/content/articles";
import {
  commentedArticles,
  listForModeration,
  moderationCounts,
  type ModerationFilter,
  type ModerationRow,
} from "@/lib/comments/moderation";
import {
  COMMENT_ID,
  moderationSearch,
  moderationUrl,
  PAGE_SIZES,
  type ModerationQuery,
} from "@/lib/comments/moderation-query";
import { renderCommentMarkdown } from "@/lib/content/comment-markdown";
import { flagsIn } from "@/lib/comments/flags";
import type { CommentStatus } from "@/lib/comments/store";
import { moderateSelected } from "@/lib/comments/admin-actions";
import { ADMIN_PATH, articleUrl, commentAnchor, commentPath } from "@/lib/routes";
import { ActionForm } from "@/components/ActionForm";
import { siteLanguage, t, type MessageKey } from "@/lib/i18n";
import { rich } from "@/lib/i18n/rich";

// The moderation list: every comment, newest first, a page at a time, searched and filtered; each
// with its article's title, its state and flags, its text rendered beside the markdown as written.
// One form holds the whole page: tick comments and press a button of the bar, or a row's own button.

export const STATE_LABELS = {
  pending: "admin.state.pending",
  published: "admin.state.published",
  hidden: "admin.state.hidden",
  shadow: "admin.state.shadow",
} as const satisfies Record<CommentStatus, MessageKey>;
const STATE_OF_ONE = {
  pending: "admin.one.pending",
  published: "admin.one.published",
  hidden: "admin.one.hidden",
  shadow: "admin.one.shadow",
} as const satisfies Record<CommentStatus, MessageKey>;

const DONE: Record<string, MessageKey> = {
  approve: "admin.done.approve",
  hide: "admin.done.hide",
  unhide: "admin.done.unhide",
  delete: "admin.done.delete",
  ban: "admin.done.ban",
};

const one = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

type ModerationCounts = Awaited<ReturnType<typeof moderationCounts>>;
type TitleOf = (slug: string) => string;

/** One page of the list as the query asks for it, its number kept within the pages there are. */
async function readModerationPage(query: ModerationQuery) {
  const filter: ModerationFilter = {
    q: query.q,
    status: query.status,
    slug: query.article,
    flagged: Boolean(query.flagged),
  };
  const titles = new Map(listArticles({ includeDrafts: true }).map((a) => [a.slug, a.title]));
  const titleOf: TitleOf = (slug) => titles.get(slug) ?? slug;
  const [counts, articles] = await Promise.all([moderationCounts(filter), commentedArticles()]);
  const total = query.status ? (counts.byStatus[query.status] ?? 0) : counts.all;
  const pageCount = Math.max(1, Math.ceil(total / query.per));
  const page = Math.min(query.page, pageCount);
  const { rows } = await listForModeration(filter, { number: page, size: query.per });
  return { titleOf, counts, articles, total, pageCount, page, rows };
}

/** The rows of this page named by `?confirm=` (ids from "Delete…"): only those are offered for deletion. */
function rowsToConfirm(confirm: string | undefined, rows: ModerationRow[]): ModerationRow[] {
  const ids = (confirm ?? "")
    .split(",")
    .filter((id) => COMMENT_ID.test(id))
    .slice(0, 100);
  return ids.length ? rows.filter((row) => ids.includes(row.id)) : [];
}

export async function ModerationList({
  query,
  params,
}: {
  query: ModerationQuery;
  params: Record<string, string | string[] | undefined>;
}) {
  const { titleOf, counts, articles, total, pageCount, page, rows } = await readModerationPage(query);
  const here = { ...query, page };
  const back = moderationSearch(here).toString();

  const done = one(params.done);
  const n = Number(one(params.n));
  const confirming = rowsToConfirm(one(params.confirm), rows);

  return (
    <section className="admin-comments" aria-labelledby="comments-heading">
      <h2 id="comments-heading">{t("admin.list.heading")}</h2>
      {done === "none" && (
        <p role="status" className="notice">
          {t("admin.done.none")}
        </p>
      )}
      {done && Object.hasOwn(DONE, done) && Number.isInteger(n) && (
        <p role="status" className="notice">
          {t(DONE[done], { count: n })}
        </p>
      )}
      <StateFilter query={here} counts={counts} />
      <SearchForm query={query} counts={counts} articles={articles} titleOf={titleOf} />

      {confirming.length > 0 && <ConfirmDelete rows={confirming} query={here} back={back} titleOf={titleOf} />}

      <p className="meta admin-position">
        {total === 0
          ? t("admin.list.empty")
          : t("admin.list.position", {
              first: (page - 1) * query.per + 1,
              last: (page - 1) * query.per + rows.length,
              total: siteLanguage().format.number(total),
            })}
      </p>
      {rows.length > 0 && (
        <ActionForm action={moderateSelected} permalink={ADMIN_PATH} className="admin-bulk">
          <input type="hidden" name="back" value={back} />
          <BulkBar />
          <ol className="admin-list">
            {rows.map((row) => (
              <AdminComment key={row.id} row={row} title={titleOf(row.articleSlug)} />
            ))}
          </ol>
          <BulkBar />
        </ActionForm>
      )}
      <Pager query={here} pageCount={pageCount} />
    </section>
  );
}

/** A link per state, with how many comments each holds under the other filters. */
function StateFilter({ query, counts }: { query: ModerationQuery; counts: ModerationCounts }) {
  return (
    <nav className="admin-states" aria-label={t("admin.filter.states")}>
      <Link href={moderationUrl(query, { status: undefined, page: 1 })} aria-current={!query.status || undefined}>
        {t("admin.filter.all")} <span className="count">{counts.all}</span>
      </Link>
      {(Object.keys(STATE_LABELS) as CommentStatus[]).map((status) => (
        <Link
          key={status}
          href={moderationUrl(query, { status, page: 1 })}
          aria-current={query.status === status || undefined}
        >
          {t(STATE_LABELS[status])} <span className="count">{counts.byStatus[status] ?? 0}</span>
        </Link>
      ))}
    </nav>
  );
}

/** The search and filters as a plain GET form: the list's address is its state. */
function SearchForm({
  query,
  counts,
  articles,
  titleOf,
}: {
  query: ModerationQuery;
  counts: ModerationCounts;
  articles: { slug: string; count: number }[];
  titleOf: TitleOf;
}) {
  return (
    <form method="get" className="admin-filter" role="search" aria-label={t("admin.filter.label")}>
      <label>
        {t("admin.filter.search")}
        <input type="search" name="q" defaultValue={query.q} maxLength={200} />
      </label>
      <label>
        {t("admin.filter.article")}
        <select name="article" defaultValue={query.article ?? ""}>
          <option value="">{t("admin.filter.allArticles")}</option>
          {articles.map(({ slug, count }) => (
            <option key={slug} value={slug}>
              {titleOf(slug)} ({count})
            </option>
          ))}
        </select>
      </label>
      <label>
        {t("admin.filter.state")}
        <select name="status" defaultValue={query.status ?? ""}>
          <option value="">{t("admin.filter.any")}</option>
          {(Object.keys(STATE_LABELS) as CommentStatus[]).map((status) => (
            <option key={status} value={status}>
              {t(STATE_LABELS[status])}
            </option>
          ))}
        </select>
      </label>
      <label className="check">
        <input type="checkbox" name="flagged" value="1" defaultChecked={Boolean(query.flagged)} />{" "}
        {t("admin.filter.flagged", { count: counts.flagged })}
      </label>
      <label>
        {t("admin.filter.perPage")}
        <select name="per" defaultValue={String(query.per)}>
          {PAGE_SIZES.map((size) => (
            <option key={size} value={size}>
              {size}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" className="secondary">
        {t("admin.filter.submit")}
      </button>
      <Link href="/admin">{t("admin.filter.clear")}</Link>
    </form>
  );
}

/** Deleting is for good: "Delete…" comes back here, and this form deletes the rows it names. */
function ConfirmDelete({
  rows,
  query,
  back,
  titleOf,
}: {
  rows: ModerationRow[];
  query: ModerationQuery;
  back: string;
  titleOf: TitleOf;
}) {
  return (
    <ActionForm action={moderateSelected} permalink={ADMIN_PATH} className="admin-confirm" id="confirm-delete">
      <input type="hidden" name="back" value={back} />
      <input type="hidden" name="confirmed" value="yes" />
      <p role="alert">{t("admin.confirm.question", { count: rows.length })}</p>
      <ul>
        {rows.map((row) => (
          <li key={row.id}>
            <input type="hidden" name="ids" value={row.id} />
            {rich(t, "admin.confirm.row", {
              name: <strong>{row.authorName || t("comment.deleted")}</strong>,
              title: titleOf(row.articleSlug),
              excerpt: excerpt(row.body),
            })}
          </li>
        ))}
      </ul>
      <button name="action" value="delete" className="danger">
        {t("admin.confirm.yes", { count: rows.length })}
      </button>{" "}
      <Link href={moderationUrl(query)}>{t("form.cancel")}</Link>
    </ActionForm>
  );
}

function BulkBar() {
  return (
    <div className="bulk-bar" role="group" aria-label={t("admin.bulk.label")}>
      <span>{t("admin.bulk.with")}</span>
      <button name="action" value="approve">
        {t("admin.approve")}
      </button>
      <button name="action" value="hide" className="secondary">
        {t("admin.hide")}
      </button>
      <button name="action" value="ban" className="secondary">
        {t("admin.banAuthors")}
      </button>
      <button name="action" value="delete" className="danger">
        {t("moderate.delete")}
      </button>
    </div>
  );
}

const excerpt = (body: string) => (body.length > 120 ? `${body.slice(0, 120)}…` : body);

function AdminComment({ row, title }: { row: ModerationRow; title: string }) {
  const name = row.authorName || t("comment.deleted");
  const flags = flagsIn(siteLanguage().t, row.flags);
  const checkbox = `select-${row.id}`;
  return (
    <li className="admin-comment" data-status={row.status}>
      <input
        type="checkbox"
        name="ids"
        value={row.id}
        id={checkbox}
        aria-label={t("admin.select", { name, excerpt: excerpt(row.body) })}
      />
      <div className="admin-comment-main">
        <AdminCommentMeta row={row} name={name} title={title} checkbox={checkbox} />
        {(row.authorIp || row.browserId) && (
          <p className="meta admin-origin">
            {row.authorIp && t("admin.from", { address: row.authorIp })}
            {row.authorIp && row.browserId && " · "}
            {row.browserId && t("admin.browser", { id: row.browserId })}
          </p>
        )}
        {flags.length > 0 && (
          <ul className="admin-flags" aria-label={t("admin.flags")}>
            {flags.map((flag, i) => (
              <li key={i}>{flag}</li>
            ))}
          </ul>
        )}
        <div className="admin-views">
          {/* Sanitized by lib/content/comment-markdown.ts, as readers see it. */}
          <div
            className="comment-body admin-rendered"
            dir="auto"
            dangerouslySetInnerHTML={{ __html: renderCommentMarkdown(row.body) }}
          />
          {/* The raw markdown, shown as text: moderators see exactly what was written. */}
          <figure className="comment-source-figure">
            <figcaption className="visually-hidden">{t("admin.asWritten")}</figcaption>
            <pre className="comment-source" dir="auto">
              {row.body}
            </pre>
          </figure>
        </div>
        <AdminCommentActions row={row} />
      </div>
    </li>
  );
}

/** Who wrote it, on which article, when, and its state; the name is the row's checkbox's label. */
function AdminCommentMeta({
  row,
  name,
  title,
  checkbox,
}: {
  row: ModerationRow;
  name: string;
  title: string;
  checkbox: string;
}) {
  return (
    <p className="comment-meta admin-meta">
      <label htmlFor={checkbox} className="comment-author" dir="auto">
        {name}
      </label>
      {row.byAuthor && <span className="comment-author-badge">{t("comment.author")}</span>}
      {row.authorUrl && (
        <>
          {" "}
          <a href={row.authorUrl} rel="nofollow ugc" className="meta">
            {t("admin.webSite")}
          </a>
        </>
      )}{" "}
      {rich(t, "admin.meta.on", { title: <Link href={commentPath(row.articleSlug, row.id)}>{title}</Link> })}
      {row.replyToName
        ? t("admin.meta.replyingTo", { name: row.replyToName })
        : row.parentId
          ? t("admin.meta.reply")
          : ""}
      , <time dateTime={row.createdAt.toISOString()}>{siteLanguage().format.shortTime(row.createdAt)}</time>
      {row.editedAt && ` ${t("comment.edited")}`} ·{" "}
      <span className={`status status-${row.status}`}>
        {row.status in STATE_OF_ONE ? t(STATE_OF_ONE[row.status as CommentStatus]) : row.status}
      </span>
      {row.pinned && t("admin.meta.pinned")}
    </p>
  );
}

/** The row's own buttons: each sends the list's form with this comment alone. */
function AdminCommentActions({ row }: { row: ModerationRow }) {
  return (
    <div className="admin-actions">
      {(row.status === "pending" || row.status === "shadow") && (
        <button name="row" value={`approve:${row.id}`}>
          {t("admin.approve")}
        </button>
      )}
      {row.status === "hidden" ? (
        <button name="row" value={`unhide:${row.id}`} className="secondary">
          {t("admin.unhide")}
        </button>
      ) : (
        <button name="row" value={`hide:${row.id}`} className="secondary">
          {t("admin.hide")}
        </button>
      )}
      <button name="row" value={`delete:${row.id}`} className="danger">
        {t("moderate.delete")}
      </button>
      {!row.byAuthor && (
        <Link
          href={articleUrl(row.articleSlug, `ban=${encodeURIComponent(row.id)}`, commentAnchor(row.id))}
          className="danger-link"
        >
          {t("moderate.ban")}
        </Link>
      )}
    </div>
  );
}

/** Page numbers: the first, the last, and two either side of this one. */
function Pager({ query, pageCount }: { query: ModerationQuery; pageCount: number }) {
  if (pageCount <= 1) return null;
  const pages = [...new Set([1, pageCount, ...[-2, -1, 0, 1, 2].map((d) => query.page + d)])]
    .filter((p) => p >= 1 && p <= pageCount)
    .sort((a, b) => a - b);
  return (
    <nav className="admin-pager" aria-label={t("admin.pager")}>
      {query.page > 1 && (
        <Link href={moderationUrl(query, { page: query.page - 1 })} rel="prev">
          {t("admin.pager.newer")}
        </Link>
      )}
      {pages.map((p, i) => (
        <span key={p}>
          {i > 0 && p - pages[i - 1] > 1 && <span className="gap">…</span>}
          <Link href={moderationUrl(query, { page: p })} aria-current={p === query.page ? "page" : undefined}>
            {p}
          </Link>
        </span>
      ))}
      {query.page < pageCount && (
        <Link href={moderationUrl(query, { page: query.page + 1 })} rel="next">
          {t("admin.pager.older")}
        </Link>
      )}
    </nav>
  );
}
