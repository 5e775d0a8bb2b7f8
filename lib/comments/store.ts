import "server-only";
import { randomUUID } from "node:crypto";
import { renderCommentMarkdown } from "./markdown";
import { db as defaultDb, type Db } from "../server/db";
import { type COMMENT_STATUSES, MAX_DEPTH } from "./limits";
import { avatarKey } from "./avatar";
import { avatarPath } from "../routes";

export { MAX_DEPTH };
export const THREADS_PER_PAGE = 50;
/** The most threads an article page lists at once: what one request can make the server render. */
export const MAX_THREADS_PER_PAGE = 1_000;

export type CommentStatus = (typeof COMMENT_STATUSES)[number];
export type CommentSort = "oldest" | "newest" | "best";
export const COMMENT_SORTS: readonly CommentSort[] = ["oldest", "newest", "best"];

/** Who is looking: what their signed cookies say they wrote and which browser they are. */
export type Viewer = { ownIds: ReadonlySet<string>; voterId?: string | null; admin?: boolean };
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
  /** A generated SVG avatar (data: URI) from the name and the posting browser. */
  avatar: string;
  replies: CommentView[];
};

export type CommentPage = { count: number; threads: CommentView[]; hasMore: boolean };

/** Where a page of threads ends, oldest first: the next page starts after it. */
export type CommentCursor = { createdAt: Date; id: string };

const rowSelect = {
  id: true,
  parentId: true,
  depth: true,
  authorName: true,
  replyToName: true,
  body: true,
  status: true,
  createdAt: true,
  editedAt: true,
  deletedAt: true,
  browserId: true,
  byAuthor: true,
  pinned: true,
  _count: { select: { reactions: true } },
} as const;

type Row = {
  id: string;
  parentId: string | null;
  depth: number;
  authorName: string;
  replyToName: string | null;
  body: string;
  status: string;
  createdAt: Date;
  editedAt: Date | null;
  deletedAt: Date | null;
  browserId: string | null;
  byAuthor: boolean;
  pinned: boolean;
  _count: { reactions: number };
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
  return db.comment.count({
    where: {
      articleSlug: slug,
      deletedAt: null,
      OR: [{ status: "published" }, ...(own.length ? [{ status: "shadow", id: { in: own } }] : [])],
    },
  });
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

/** An article's threads, as far as a reader may see them: a hidden thread with replies keeps its place. */
function threadRoots(slug: string, viewer: Viewer) {
  return { articleSlug: slug, parentId: null, OR: [visibleTo(viewer), { replies: { some: {} } }] };
}

const OLDEST_FIRST = [{ createdAt: "asc" as const }, { id: "asc" as const }];

/**
 * The first `threads` threads of an article's discussion, nested up to MAX_DEPTH. A comment that
 * was deleted or hidden still holds its place (as a placeholder) while visible replies hang under it.
 */
export async function listComments(
  slug: string,
  options: { sort?: CommentSort; threads?: number; viewer?: Viewer } = {},
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
    countComments(slug, db, viewer),
    db.comment.findMany({ where: threadRoots(slug, viewer), orderBy, take: limit + 1, select: rowSelect }),
  ]);
  return { count, threads: await buildThreads(slug, roots.slice(0, limit), viewer, db), hasMore: roots.length > limit };
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

// Prisma refuses a query with more bound values than the database takes (999 on SQLite), so a
// long list of ids is sent in slices.
const IDS_PER_QUERY = 500;

/** The comments of an article the reader gave a 👍: a few rows, where a list of every comment's id would not fit. */
export async function reactedOn(slug: string, viewer: Viewer, db: Db = defaultDb()): Promise<Set<string>> {
  if (!viewer.voterId) return new Set();
  const rows = await db.reaction.findMany({
    where: { voterId: viewer.voterId, comment: { articleSlug: slug } },
    select: { commentId: true },
  });
  return new Set(rows.map((r) => r.commentId));
}

/** The reader's own comments on an article, with what decides how their page shows them. */
export function ownCommentsOn(slug: string, viewer: Viewer, db: Db = defaultDb()) {
  return db.comment.findMany({
    where: { articleSlug: slug, id: { in: [...viewer.ownIds] } },
    select: { id: true, status: true, deletedAt: true, createdAt: true },
  });
}

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
  const reacted = await reactedOn(slug, viewer, db);

  const childrenOf = new Map<string, Row[]>();
  for (const reply of replies) {
    const siblings = childrenOf.get(reply.parentId!);
    if (siblings) siblings.push(reply);
    else childrenOf.set(reply.parentId!, [reply]);
  }

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
      html: visible ? renderCommentMarkdown(row.body) : "",
      markdown: visible && own ? row.body : null,
      createdAt: row.createdAt,
      editedAt: visible ? row.editedAt : null,
      placeholder: visible ? null : row.deletedAt ? "deleted" : row.status === "pending" ? "pending" : "removed",
      pending: visible && row.status === "pending",
      pinned: visible && row.pinned,
      hidden: visible && row.status === "hidden",
      shadow: visible && Boolean(viewer.admin) && row.status === "shadow",
      reactions: row._count.reactions,
      reacted: reacted.has(row.id),
      own,
      byAuthor: visible && row.byAuthor,
      avatar: visible ? avatarPath(avatarKey(row.authorName, row.browserId, row.byAuthor)) : "",
      replies: children,
    };
  };
  return roots.map(build).filter((c): c is CommentView => c !== null);
}

export type NewComment = {
  slug: string;
  parentId?: string | null;
  name: string;
  body: string;
  status: CommentStatus;
  submissionId?: string | null;
  browserId?: string | null;
  /** The signed-in author posted it (checked by the caller from the /admin session). */
  byAuthor?: boolean;
  /** The client address it came from, for bans (lib/server/request.ts). */
  ip?: string | null;
  /** lib/comments/spam.ts textFingerprint, to find the same text elsewhere. */
  fingerprint?: string | null;
  /** Why a moderator should look at it, one reason per line. */
  flags?: string | null;
  /** Runs in the comment's transaction: what the comment sets off (mails, webhooks) is stored with it or not at all. */
  onCreated?: (tx: Db, id: string) => Promise<void>;
  /** What earlierComments() found for it, when the caller asked already; otherwise asked here. */
  earlier?: EarlierComments;
};

export type CreateResult =
  | { kind: "created"; id: string }
  | { kind: "duplicate"; id: string }
  /** The form's submission id already made a comment, sent by another browser. */
  | { kind: "already-sent" }
  | { kind: "parent-not-found" };

const DUPLICATE_WINDOW_MS = 60_000;

export type EarlierComments = {
  /** The same text from the same browser on the same article within a minute: a double post. */
  duplicateId: string | null;
  /** How many other articles (0, 1, or 2 for two or more) hold a comment with this fingerprint since `sameTextSince`. */
  sameTextElsewhere: number;
};

/**
 * What a new comment's rules ask of the comments before it, in one query (a round trip a post
 * fewer): the double post (no browser id: none) and the same text elsewhere (no fingerprint: none).
 */
export async function earlierComments(
  comment: { slug: string; browserId: string | null; body: string; fingerprint: string | null; sameTextSince: Date },
  db: Db = defaultDb(),
  now = new Date(),
): Promise<EarlierComments> {
  if (comment.browserId === null && comment.fingerprint === null) return { duplicateId: null, sameTextElsewhere: 0 };
  const [row] = await db.$queryRaw<{ duplicate: string | null; sameText: number | bigint }[]>`SELECT
      (SELECT "id" FROM "Comment"
        WHERE "articleSlug" = ${comment.slug} AND "browserId" = ${comment.browserId} AND "body" = ${comment.body}
          AND "deletedAt" IS NULL AND "createdAt" > ${new Date(now.getTime() - DUPLICATE_WINDOW_MS)}
        LIMIT 1) AS "duplicate",
      (SELECT COUNT(*) FROM (SELECT DISTINCT "articleSlug" FROM "Comment"
        WHERE "fingerprint" = ${comment.fingerprint} AND "articleSlug" <> ${comment.slug}
          AND "deletedAt" IS NULL AND "createdAt" > ${comment.sameTextSince}
        LIMIT 2) AS "other") AS "sameText"`;
  return { duplicateId: row.duplicate, sameTextElsewhere: Number(row.sameText) };
}

/**
 * Stores a validated comment. A second submission of the same form (same submission id) from the
 * same browser, or the same text from the same browser within a minute, stores nothing and returns
 * the first comment. The same form from another browser stores nothing and gets nothing back.
 */
export async function createComment(input: NewComment, db: Db = defaultDb(), now = new Date()): Promise<CreateResult> {
  if (input.browserId) {
    const { duplicateId } =
      input.earlier ??
      (await earlierComments(
        { slug: input.slug, browserId: input.browserId, body: input.body, fingerprint: null, sameTextSince: now },
        db,
        now,
      ));
    if (duplicateId) return { kind: "duplicate", id: duplicateId };
  }

  const id: string = randomUUID();
  let placement = { parentId: null as string | null, rootId: id, depth: 1, replyToName: null as string | null };
  if (input.parentId) {
    // A shadow-banned reader may answer their own shadow comments, as they see them published.
    const parent = await db.comment.findFirst({
      where: {
        id: input.parentId,
        articleSlug: input.slug,
        status: input.status === "shadow" ? { in: ["published", "shadow"] } : "published",
        deletedAt: null,
      },
      select: { id: true, parentId: true, rootId: true, depth: true, authorName: true },
    });
    if (!parent) return { kind: "parent-not-found" };
    placement =
      parent.depth < MAX_DEPTH
        ? { parentId: parent.id, rootId: parent.rootId, depth: parent.depth + 1, replyToName: null }
        : // Threads stop nesting at MAX_DEPTH: answer beside the comment, naming whom it answers.
          { parentId: parent.parentId, rootId: parent.rootId, depth: MAX_DEPTH, replyToName: parent.authorName };
  }

  try {
    const data = {
      id,
      articleSlug: input.slug,
      ...placement,
      authorName: input.name,
      body: input.body,
      status: input.status,
      submissionId: input.submissionId ?? null,
      browserId: input.browserId ?? null,
      byAuthor: input.byAuthor ?? false,
      authorIp: input.ip ?? null,
      fingerprint: input.fingerprint ?? null,
      flags: input.flags ?? null,
      createdAt: now,
    };
    const { onCreated } = input;
    // Only the id is read back: Prisma maps every column it returns.
    if (onCreated) {
      await db.$transaction(async (tx) => {
        await tx.comment.create({ data, select: { id: true } });
        await onCreated(tx as unknown as Db, id);
      });
    } else {
      await db.comment.create({ data, select: { id: true } });
    }
  } catch (error) {
    // The form was sent before (a double submit, a retry): its submission id is taken. Checking
    // here rather than before the insert saves a query on every comment.
    if ((error as { code?: string }).code === "P2002" && input.submissionId) {
      const winner = await db.comment.findUnique({
        where: { submissionId: input.submissionId },
        select: { id: true, browserId: true },
      });
      // The first comment goes back only to the browser that sent it: its id would join the own-
      // comments cookie of whoever holds a copy of the token, and with it the right to edit and
      // delete it. The API sends no browser id, so its retries match each other.
      if (winner)
        return winner.browserId === (input.browserId ?? null)
          ? { kind: "duplicate", id: winner.id }
          : { kind: "already-sent" };
    }
    throw error;
  }
  return { kind: "created", id };
}

export type OwnChange =
  | { kind: "ok" }
  | { kind: "not-found" }
  | { kind: "not-yours" }
  | { kind: "too-late" }
  /** A moderator hid it: its author may delete it, not rewrite it into the queue again. */
  | { kind: "hidden" };

async function ownComment(id: string, viewer: Viewer, editMinutes: number, db: Db, now: Date) {
  if (!viewer.ownIds.has(id)) return { kind: "not-yours" } as const;
  const comment = await db.comment.findFirst({ where: { id, deletedAt: null }, select: { id: true, createdAt: true } });
  if (!comment) return { kind: "not-found" } as const;
  if (now.getTime() - comment.createdAt.getTime() > editMinutes * 60_000) return { kind: "too-late" } as const;
  return { kind: "ok" } as const;
}

/** When a reader may still edit or delete their comment. */
export function editableUntil(createdAt: Date, editMinutes: number): Date {
  return new Date(createdAt.getTime() + editMinutes * 60_000);
}

/**
 * A reader's edit of their own comment, within the edit window; `body` is already validated. With
 * a `status` (pre-moderation, the spam score, a ban) the comment goes back to the moderators' queue
 * or into the shadow whatever its state, so an approved comment cannot be turned into spam: until
 * approved again only its author sees it. New `flags` replace the old ones. A hidden comment is
 * not changed: the moderator's hide stands.
 */
export async function editOwnComment(
  id: string,
  edit: { body: string; status?: "pending" | "shadow"; flags?: string | null; fingerprint?: string | null },
  viewer: Viewer,
  editMinutes: number,
  db: Db = defaultDb(),
  now = new Date(),
): Promise<OwnChange> {
  const allowed = await ownComment(id, viewer, editMinutes, db, now);
  if (allowed.kind !== "ok") return allowed;
  // The status is part of the condition, so a hide that lands between the check and the write
  // still wins.
  const { count } = await db.comment.updateMany({
    where: { id, status: { not: "hidden" } },
    data: {
      body: edit.body,
      editedAt: now,
      ...(edit.status ? { status: edit.status } : {}),
      ...(edit.flags ? { flags: edit.flags } : {}),
      ...(edit.fingerprint !== undefined ? { fingerprint: edit.fingerprint } : {}),
    },
  });
  return count === 1 ? allowed : { kind: "hidden" };
}

/** A reader's deletion of their own comment, within the edit window. */
export async function deleteOwnComment(
  id: string,
  viewer: Viewer,
  editMinutes: number,
  db: Db = defaultDb(),
  now = new Date(),
): Promise<OwnChange> {
  const allowed = await ownComment(id, viewer, editMinutes, db, now);
  if (allowed.kind !== "ok") return allowed;
  await removeComment(id, db, now);
  return allowed;
}

/** Deletes a comment; one with replies keeps its place as "[deleted]" so the thread still reads. */
async function removeComment(id: string, db: Db, now: Date): Promise<void> {
  const replies = await db.comment.count({ where: { parentId: id } });
  if (replies > 0) {
    await db.comment.update({ where: { id }, data: { deletedAt: now, body: "", authorName: "" } });
  } else {
    await db.comment.delete({ where: { id } });
  }
}

export type CommentDecision = "approve" | "hide" | "unhide" | "delete";

/** A moderator's decision on any comment. Returns false when there is no such comment. */
export async function moderateComment(
  id: string,
  action: CommentDecision,
  db: Db = defaultDb(),
  now = new Date(),
): Promise<boolean> {
  const exists = await db.comment.findUnique({ where: { id }, select: { id: true } });
  if (!exists) return false;
  if (action === "delete") await removeComment(id, db, now);
  else await db.comment.update({ where: { id }, data: { status: action === "hide" ? "hidden" : "published" } });
  return true;
}

export type ReactionChange = { kind: "added" | "removed" | "refused"; count: number } | { kind: "not-found" };

/**
 * Adds the browser's 👍 to a published comment, or takes it back. With `mayAdd` false (the caller's
 * limits are reached) a 👍 can still be taken back, and none is added.
 */
export async function toggleReaction(
  commentId: string,
  voterId: string,
  db: Db = defaultDb(),
  mayAdd = true,
): Promise<ReactionChange> {
  const comment = await db.comment.findFirst({
    where: { id: commentId, status: "published", deletedAt: null },
    select: { id: true },
  });
  if (!comment) return { kind: "not-found" };
  const key = { commentId_voterId: { commentId, voterId } };
  const removed = await db.reaction.deleteMany({ where: { commentId, voterId } });
  const kind = removed.count > 0 ? "removed" : mayAdd ? "added" : "refused";
  // upsert: a concurrent second click from the same browser still leaves one reaction.
  if (kind === "added") await db.reaction.upsert({ where: key, create: { commentId, voterId }, update: {} });
  return { kind, count: await db.reaction.count({ where: { commentId } }) };
}

/** What a webhook says of a comment (lib/comments/notifications.ts): null when there is no such comment. */
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
