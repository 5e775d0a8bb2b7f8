import Link from "next/link";
import { shortTime } from "@/lib/format";
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
import type { CommentStatus } from "@/lib/comments/store";
import { moderateSelected } from "@/lib/comments/admin-actions";
import { ADMIN_PATH, articleUrl, commentAnchor, commentPath } from "@/lib/routes";
import { ActionForm } from "@/components/ActionForm";
import { plural } from "@/lib/format";

// The moderation list: every comment, newest first, a page at a time, searched and filtered; each
// with its article's title, its state and flags, its text rendered beside the markdown as written.
// One form holds the whole page: tick comments and press a button of the bar, or a row's own button.

export const STATE_LABELS: Record<CommentStatus, string> = {
  pending: "Awaiting approval",
  published: "Published",
  hidden: "Hidden",
  shadow: "Banned authors",
};
const STATE_OF_ONE: Record<CommentStatus, string> = {
  pending: "awaiting approval",
  published: "published",
  hidden: "hidden",
  shadow: "banned author (shown to them alone)",
};

const DONE: Record<string, (n: number) => string> = {
  approve: (n) => `Approved ${plural(n, "comment")}.`,
  hide: (n) => `Hid ${plural(n, "comment")}.`,
  unhide: (n) => `Published ${plural(n, "comment")} again.`,
  delete: (n) => `Deleted ${plural(n, "comment")}.`,
  ban: (n) => `Banned ${plural(n, "author")}: their comments are now shown to them alone.`,
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
      <h2 id="comments-heading">Comments</h2>
      {done === "none" && (
        <p role="status" className="notice">
          No comment was ticked: tick the comments first, then press the button.
        </p>
      )}
      {done && DONE[done] && Number.isInteger(n) && (
        <p role="status" className="notice">
          {DONE[done](n)}
        </p>
      )}
      <StateFilter query={here} counts={counts} />
      <SearchForm query={query} counts={counts} articles={articles} titleOf={titleOf} />

      {confirming.length > 0 && <ConfirmDelete rows={confirming} query={here} back={back} titleOf={titleOf} />}

      <p className="meta admin-position">
        {total === 0
          ? "No comments here."
          : `Comments ${(page - 1) * query.per + 1}–${(page - 1) * query.per + rows.length} of ${total.toLocaleString("en")}`}
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
    <nav className="admin-states" aria-label="Filter by state">
      <Link href={moderationUrl(query, { status: undefined, page: 1 })} aria-current={!query.status || undefined}>
        All <span className="count">{counts.all}</span>
      </Link>
      {(Object.keys(STATE_LABELS) as CommentStatus[]).map((status) => (
        <Link
          key={status}
          href={moderationUrl(query, { status, page: 1 })}
          aria-current={query.status === status || undefined}
        >
          {STATE_LABELS[status]} <span className="count">{counts.byStatus[status] ?? 0}</span>
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
    <form method="get" className="admin-filter" role="search" aria-label="Search comments">
      <label>
        Search names and text
        <input type="search" name="q" defaultValue={query.q} maxLength={200} />
      </label>
      <label>
        Article
        <select name="article" defaultValue={query.article ?? ""}>
          <option value="">All articles</option>
          {articles.map(({ slug, count }) => (
            <option key={slug} value={slug}>
              {titleOf(slug)} ({count})
            </option>
          ))}
        </select>
      </label>
      <label>
        State
        <select name="status" defaultValue={query.status ?? ""}>
          <option value="">Any</option>
          {(Object.keys(STATE_LABELS) as CommentStatus[]).map((status) => (
            <option key={status} value={status}>
              {STATE_LABELS[status]}
            </option>
          ))}
        </select>
      </label>
      <label className="check">
        <input type="checkbox" name="flagged" value="1" defaultChecked={Boolean(query.flagged)} /> Flagged only (
        {counts.flagged})
      </label>
      <label>
        Per page
        <select name="per" defaultValue={String(query.per)}>
          {PAGE_SIZES.map((size) => (
            <option key={size} value={size}>
              {size}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" className="secondary">
        Filter
      </button>
      <Link href="/admin">Clear</Link>
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
      <p role="alert">Delete {plural(rows.length, "comment")} for good?</p>
      <ul>
        {rows.map((row) => (
          <li key={row.id}>
            <input type="hidden" name="ids" value={row.id} />
            <strong>{row.authorName || "[deleted]"}</strong> on {titleOf(row.articleSlug)}: {excerpt(row.body)}
          </li>
        ))}
      </ul>
      <button name="action" value="delete" className="danger">
        Yes, delete {plural(rows.length, "comment")}
      </button>{" "}
      <Link href={moderationUrl(query)}>Cancel</Link>
    </ActionForm>
  );
}

function BulkBar() {
  return (
    <div className="bulk-bar" role="group" aria-label="With the ticked comments">
      <span>With the ticked comments:</span>
      <button name="action" value="approve">
        Approve
      </button>
      <button name="action" value="hide" className="secondary">
        Hide
      </button>
      <button name="action" value="ban" className="secondary">
        Ban their authors
      </button>
      <button name="action" value="delete" className="danger">
        Delete…
      </button>
    </div>
  );
}

const excerpt = (body: string) => (body.length > 120 ? `${body.slice(0, 120)}…` : body);

function AdminComment({ row, title }: { row: ModerationRow; title: string }) {
  const name = row.authorName || "[deleted]";
  const flags = row.flags ? row.flags.split("\n").filter(Boolean) : [];
  const checkbox = `select-${row.id}`;
  return (
    <li className="admin-comment" data-status={row.status}>
      <input
        type="checkbox"
        name="ids"
        value={row.id}
        id={checkbox}
        aria-label={`Select the comment by ${name}: ${excerpt(row.body)}`}
      />
      <div className="admin-comment-main">
        <AdminCommentMeta row={row} name={name} title={title} checkbox={checkbox} />
        {(row.authorIp || row.browserId) && (
          <p className="meta admin-origin">
            {row.authorIp && <>from {row.authorIp}</>}
            {row.authorIp && row.browserId && " · "}
            {row.browserId && <>browser {row.browserId}</>}
          </p>
        )}
        {flags.length > 0 && (
          <ul className="admin-flags" aria-label="Why it was flagged">
            {flags.map((flag, i) => (
              <li key={i}>{flag}</li>
            ))}
          </ul>
        )}
        <div className="admin-views">
          {/* Sanitized by lib/content/comment-markdown.ts, as readers see it. */}
          <div
            className="comment-body admin-rendered"
            dangerouslySetInnerHTML={{ __html: renderCommentMarkdown(row.body) }}
          />
          {/* The raw markdown, shown as text: moderators see exactly what was written. */}
          <figure className="comment-source-figure">
            <figcaption className="visually-hidden">As written (markdown)</figcaption>
            <pre className="comment-source">{row.body}</pre>
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
      <label htmlFor={checkbox} className="comment-author">
        {name}
      </label>
      {row.byAuthor && <span className="comment-author-badge">Author</span>}
      {row.authorUrl && (
        <>
          {" "}
          <a href={row.authorUrl} rel="nofollow ugc" className="meta">
            (web site)
          </a>
        </>
      )}{" "}
      on <Link href={commentPath(row.articleSlug, row.id)}>{title}</Link>
      {row.replyToName ? `, replying to @${row.replyToName}` : row.parentId ? ", a reply" : ""},{" "}
      <time dateTime={row.createdAt.toISOString()}>{shortTime(row.createdAt)}</time>
      {row.editedAt && " (edited)"} ·{" "}
      <span className={`status status-${row.status}`}>{STATE_OF_ONE[row.status as CommentStatus] ?? row.status}</span>
      {row.pinned && " · pinned"}
    </p>
  );
}

/** The row's own buttons: each sends the list's form with this comment alone. */
function AdminCommentActions({ row }: { row: ModerationRow }) {
  return (
    <div className="admin-actions">
      {(row.status === "pending" || row.status === "shadow") && (
        <button name="row" value={`approve:${row.id}`}>
          Approve
        </button>
      )}
      {row.status === "hidden" ? (
        <button name="row" value={`unhide:${row.id}`} className="secondary">
          Unhide
        </button>
      ) : (
        <button name="row" value={`hide:${row.id}`} className="secondary">
          Hide
        </button>
      )}
      <button name="row" value={`delete:${row.id}`} className="danger">
        Delete…
      </button>
      {!row.byAuthor && (
        <Link
          href={articleUrl(row.articleSlug, `ban=${encodeURIComponent(row.id)}`, commentAnchor(row.id))}
          className="danger-link"
        >
          Ban author…
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
    <nav className="admin-pager" aria-label="Pages of comments">
      {query.page > 1 && (
        <Link href={moderationUrl(query, { page: query.page - 1 })} rel="prev">
          ← Newer
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
          Older →
        </Link>
      )}
    </nav>
  );
}
