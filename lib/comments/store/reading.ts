import "server-only";
import { renderCommentMarkdown } from "../../content/comment-markdown";
import { db as defaultDb, type Db } from "../../server/db";
import { avatarOf, type Avatar } from "../avatar";
import { pageHtml, writeBackHtml, type Rendered } from "./page-html";
import { reactedOn } from "./reactions";
import type { Viewer } from "./shared";

// What readers and pages read: an article's threads as a reader may see them (nested, sorted, in
// pages), the comment counts, the reader's own comments, a comment for a webhook and the newest
// for the comment feed.

export const THREADS_PER_PAGE = 50;
/** The most threads an article page lists at once: what one request can make the server render. */
export const MAX_THREADS_PER_PAGE = 1_000;

export type CommentSort = "oldest" | "newest" | "best";
export const COMMENT_SORTS: readonly CommentSort[] = ["oldest", "newest", "best"];

const NOBODY: Viewer = { ownIds: new Set() };

/** A comment as a reader sees it, with its replies. */
export type CommentView = {
  id: string;
  depth: number;
  authorName: string;
  replyToName: string | null;
  /** Sanitized HTML of the reader's markdown; empty for a placeholder. */
  html: string;
  /** The markdown as written, only for the reader who wrote it (to edit it). */
  markdown: string | null;
  createdAt: Date;
  editedAt: Date | null;
  /**
   * "deleted", "removed" (hidden by a moderator) or "pending" (edited, awaiting moderation again)
   * keep their place for the replies under them.
   */
  placeholder: "deleted" | "removed" | "pending" | null;
  pending: boolean;
  /** Pinned by the author: first in every sort. */
  pinned: boolean;
  /** Hidden by a moderator; shown (marked) only to the signed-in author. */
  hidden?: boolean;
  /** From a banned reader: shown as published to its author, marked to the signed-in author, to nobody else. */
  shadow?: boolean;
  reactions: number;
  reacted: boolean;
  own: boolean;
  /** Posted by the signed-in author: the "Author" badge. */
  byAuthor: boolean;
  /** Initials on a colour drawn from the name and the posting browser (lib/comments/avatar.ts); null when not shown. */
  avatar: Avatar | null;
  /** A reply from the fediverse: its author's handle and where the original is read. */
  fediverse?: { handle: string; url: string | null } | null;
  replies: CommentView[];
};

/** `next`: the first thread past the page, where "Show more" lands the reader. */
export type CommentPage = { count: number; threads: CommentView[]; hasMore: boolean; next?: string };

/** Where a page of threads ends, oldest first: the next page starts after it. */
export type CommentCursor = { createdAt: Date; id: string };

const rowSelect = {
  id: true,
  parentId: true,
  depth: true,
  authorName: true,
  replyToName: true,
  body: true,
  html: true,
  htmlVersion: true,
  status: true,
  createdAt: true,
  editedAt: true,
  deletedAt: true,
  browserId: true,
  byAuthor: true,
  pinned: true,
  authorHandle: true,
  remoteUrl: true,
} as const;

type Row = {
  id: string;
  parentId: string | null;
  depth: number;
  authorName: string;
  replyToName: string | null;
  body: string;
  html: string | null;
  htmlVersion: number | null;
  status: string;
  createdAt: Date;
  editedAt: Date | null;
  deletedAt: Date | null;
  browserId: string | null;
  byAuthor: boolean;
  pinned: boolean;
  authorHandle: string | null;
  remoteUrl: string | null;
};

/**
 * Comments a reader may see in full: published ones, and their own awaiting moderation or
 * shadow-banned (which they see as published: a shadow ban tells them nothing).
 */
function visibleTo(viewer: Viewer) {
  // The signed-in author sees every comment, to moderate it.
  if (viewer.admin) return { deletedAt: null };
  return {
    deletedAt: null,
    OR: [{ status: "published" }, { status: { in: ["pending", "shadow"] }, id: { in: [...viewer.ownIds] } }],
  };
}

/**
 * How many published comments an article has, as shown in its heading and on the index; for a
 * reader with shadow-banned comments, those count too, as they would if published.
 */
export async function countComments(slug: string, db: Db = defaultDb(), viewer: Viewer = NOBODY): Promise<number> {
  const own = viewer.admin ? [] : [...viewer.ownIds];
  if (own.length === 0) return countPublished(slug, db);
  return db.comment.count({
    where: {
      articleSlug: slug,
      deletedAt: null,
      OR: [{ status: "published" }, ...(own.length ? [{ status: "shadow", id: { in: own } }] : [])],
    },
  });
}

/**
 * What most pages count: an article's published comments, read from the (articleSlug, status,
 * deletedAt) index alone. Prisma's count() counts the ids of a subquery, which SQLite fetches from
 * the table row by row (3 ms at 10,000 comments, against 0.3 for the index).
 */
async function countPublished(slug: string, db: Db): Promise<number> {
  const [row] = await db.$queryRaw<{ n: bigint | number }[]>`
    SELECT COUNT(*) AS n FROM "Comment" WHERE "articleSlug" = ${slug} AND "status" = 'published' AND "deletedAt" IS NULL`;
  return Number(row.n);
}

/** Published comment counts for every article that has any. */
export async function countCommentsByArticle(db: Db = defaultDb()): Promise<Map<string, number>> {
  const groups = await db.comment.groupBy({
    by: ["articleSlug"],
    where: { status: "published", deletedAt: null },
    _count: { _all: true },
  });
  return new Map(groups.map((group) => [group.articleSlug, group._count._all]));
}

/** The counts for the index, or null (and a warning in the log) when the database cannot answer. */
export async function commentCountsForIndex(): Promise<Map<string, number> | null> {
  try {
    return await countCommentsByArticle();
  } catch (error) {
    const reason = (error as { code?: string }).code ?? (error as Error).message.trim().split("\n").at(-1);
    console.warn(`index: comment counts unavailable (${reason})`);
    return null;
  }
}

/**
 * An article's threads, as far as a reader may see them: a hidden thread with replies keeps its
 * place. Its replies are sought with the article's slug (always theirs too), so the check is a seek
 * on (articleSlug, parentId): without it, SQLite walked that index whole for each root a reader
 * may not see (384 ms a render at 10,000 comments with one root in eight deleted).
 */
function threadRoots(slug: string, viewer: Viewer) {
  return { articleSlug: slug, parentId: null, OR: [visibleTo(viewer), { replies: { some: { articleSlug: slug } } }] };
}

const OLDEST_FIRST = [{ createdAt: "asc" as const }, { id: "asc" as const }];

/**
 * The first `threads` threads of an article's discussion, nested up to MAX_DEPTH. A comment that
 * was deleted or hidden still holds its place (as a placeholder) while visible replies hang under it.
 */
export async function listComments(
  slug: string,
  /** `count`: the count as this viewer sees it, when the caller has it already (the page's header). */
  options: { sort?: CommentSort; threads?: number; viewer?: Viewer; count?: Promise<number> } = {},
  db: Db = defaultDb(),
): Promise<CommentPage> {
  const { sort = "oldest", threads: limit = THREADS_PER_PAGE, viewer = NOBODY } = options;
  const orderBy = [
    { pinned: "desc" as const },
    ...(sort === "best"
      ? [{ reactions: { _count: "desc" as const } }, { createdAt: "asc" as const }, { id: "asc" as const }]
      : [{ createdAt: sort === "newest" ? ("desc" as const) : ("asc" as const) }, { id: "asc" as const }]),
  ];

  const [count, roots] = await Promise.all([
    options.count ?? countComments(slug, db, viewer),
    db.comment.findMany({ where: threadRoots(slug, viewer), orderBy, take: limit + 1, select: rowSelect }),
  ]);
  return {
    count,
    threads: await buildThreads(slug, roots.slice(0, limit), viewer, db),
    hasMore: roots.length > limit,
    next: roots[limit]?.id,
  };
}

/**
 * Up to `limit` threads, oldest first, after `after` (from the start without it): the JSON API's
 * pages. A position rather than an offset, so a page neither repeats nor skips a thread when
 * comments are added or deleted meanwhile.
 */
export async function pageComments(
  slug: string,
  options: { after?: CommentCursor | null; limit: number; viewer?: Viewer },
  db: Db = defaultDb(),
): Promise<{ count: number; threads: CommentView[]; next: CommentCursor | null }> {
  const { after, limit, viewer = NOBODY } = options;
  const later = after
    ? { OR: [{ createdAt: { gt: after.createdAt } }, { createdAt: after.createdAt, id: { gt: after.id } }] }
    : {};
  const [count, roots] = await Promise.all([
    countComments(slug, db),
    db.comment.findMany({
      where: { AND: [threadRoots(slug, viewer), later] },
      orderBy: OLDEST_FIRST,
      take: limit + 1,
      select: rowSelect,
    }),
  ]);
  const page = roots.slice(0, limit);
  const last = page.at(-1);
  return {
    count,
    threads: await buildThreads(slug, page, viewer, db),
    // From the last root listed, not the last thread shown: a root with nothing visible is left out.
    next: roots.length > limit && last ? { createdAt: last.createdAt, id: last.id } : null,
  };
}

/** The reader's own comments on an article, with what decides how their page shows them. */
export function ownCommentsOn(slug: string, viewer: Viewer, db: Db = defaultDb()) {
  return db.comment.findMany({
    where: { articleSlug: slug, id: { in: [...viewer.ownIds] } },
    select: { id: true, status: true, deletedAt: true, createdAt: true },
  });
}

// Prisma refuses a query with more bound values than the database takes (999 on SQLite), so a
// long list of ids is sent in slices.
const IDS_PER_QUERY = 500;

/** The replies of these threads, nested under them, with what this reader may see of each. */
async function buildThreads(slug: string, roots: Row[], viewer: Viewer, db: Db): Promise<CommentView[]> {
  let replies: Row[] = [];
  for (let i = 0; i < roots.length; i += IDS_PER_QUERY) {
    const rootIds = roots.slice(i, i + IDS_PER_QUERY).map((r) => r.id);
    replies = replies.concat(
      await db.comment.findMany({
        where: { rootId: { in: rootIds }, parentId: { not: null } },
        orderBy: OLDEST_FIRST,
        select: rowSelect,
      }),
    );
  }
  const [reacted, reactions] = await Promise.all([
    reactedOn(slug, viewer, db),
    reactionCounts(
      [...roots, ...replies].map((row) => row.id),
      db,
    ),
  ]);

  const childrenOf = new Map<string, Row[]>();
  for (const reply of replies) {
    const siblings = childrenOf.get(reply.parentId!);
    if (siblings) siblings.push(reply);
    else childrenOf.set(reply.parentId!, [reply]);
  }

  // Rows whose stored HTML is absent or stale: rendered here, written back after.
  const stale: Rendered[] = [];
  const build = (row: Row): CommentView | null => {
    const children = (childrenOf.get(row.id) ?? []).map(build).filter((c): c is CommentView => c !== null);
    const own = viewer.ownIds.has(row.id);
    const visible =
      !row.deletedAt &&
      (row.status === "published" ||
        ((row.status === "pending" || row.status === "shadow") && own) ||
        Boolean(viewer.admin));
    if (!visible && children.length === 0) return null;
    return {
      id: row.id,
      depth: row.depth,
      authorName: visible ? row.authorName : "",
      replyToName: row.replyToName,
      html: visible ? pageHtml(row, stale) : "",
      markdown: visible && own ? row.body : null,
      createdAt: row.createdAt,
      editedAt: visible ? row.editedAt : null,
      placeholder: visible ? null : row.deletedAt ? "deleted" : row.status === "pending" ? "pending" : "removed",
      pending: visible && row.status === "pending",
      pinned: visible && row.pinned,
      hidden: visible && row.status === "hidden",
      shadow: visible && Boolean(viewer.admin) && row.status === "shadow",
      reactions: reactions.get(row.id) ?? 0,
      reacted: reacted.has(row.id),
      own,
      byAuthor: visible && row.byAuthor,
      avatar: visible ? avatarOf(row.authorName, row.browserId, row.byAuthor) : null,
      fediverse: visible && row.authorHandle ? { handle: row.authorHandle, url: row.remoteUrl } : null,
      replies: children,
    };
  };
  const threads = roots.map(build).filter((c): c is CommentView => c !== null);
  writeBackHtml(stale, db);
  return threads;
}

/**
 * The 👍 counts of these comments, by id (none: 0). Asked for the comments shown only: Prisma's
 * `_count` on the rows' query joined a count of every reaction of the site, grouped by comment.
 */
async function reactionCounts(ids: string[], db: Db): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (let i = 0; i < ids.length; i += IDS_PER_QUERY) {
    const groups = await db.reaction.groupBy({
      by: ["commentId"],
      where: { commentId: { in: ids.slice(i, i + IDS_PER_QUERY) } },
      _count: { _all: true },
    });
    for (const group of groups) counts.set(group.commentId, group._count._all);
  }
  return counts;
}

/** What a webhook says of a comment (lib/mail/notifications.ts): null when there is no such comment. */
export async function commentForEvent(id: string, db: Db = defaultDb()) {
  const row = await db.comment.findFirst({
    where: { id, deletedAt: null },
    select: { id: true, articleSlug: true, authorName: true, body: true, status: true },
  });
  return row && { id: row.id, slug: row.articleSlug, name: row.authorName, body: row.body, status: row.status };
}

/** An article's newest published comments, rendered, for its comment feed. */
export async function listRecentComments(slug: string, limit = 50, db: Db = defaultDb()) {
  const rows = await db.comment.findMany({
    where: { articleSlug: slug, status: "published", deletedAt: null },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit,
    select: { id: true, authorName: true, body: true, createdAt: true, editedAt: true },
  });
  return rows.map(({ body, ...row }) => ({ ...row, html: renderCommentMarkdown(body) }));
}
