import "server-only";
import { randomUUID } from "node:crypto";
import { db as defaultDb, type Db } from "../../server/db";
import { htmlColumns, NO_HTML } from "./page-html";
import { type CommentStatus, MAX_DEPTH, type Viewer } from "./shared";

// The writes of comment rows: a new comment (placed in its thread, with the double-post and
// same-text checks of earlierComments()), a reader's edit or deletion of their own within the edit
// window, and a moderator's decision.

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
  /** A reply from the fediverse: who wrote it there, and where the original is. */
  remote?: RemoteOrigin;
};

/** Where a fediverse reply came from (lib/fediverse/), all of it checked by the caller. */
export type RemoteOrigin = { id: string; actor: string; handle: string; avatar: string | null; url: string | null };

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
      ...htmlColumns(input.body),
      status: input.status,
      submissionId: input.submissionId ?? null,
      browserId: input.browserId ?? null,
      byAuthor: input.byAuthor ?? false,
      authorIp: input.ip ?? null,
      fingerprint: input.fingerprint ?? null,
      flags: input.flags ?? null,
      createdAt: now,
      ...(input.remote
        ? {
            remoteId: input.remote.id,
            remoteActor: input.remote.actor,
            authorHandle: input.remote.handle,
            authorAvatar: input.remote.avatar,
            remoteUrl: input.remote.url,
          }
        : {}),
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
  edit: Edit,
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
    data: editedData(edit, now),
  });
  return count === 1 ? allowed : { kind: "hidden" };
}

/** An edit's new text, and what its judgement set: status, spam flags, fingerprint. */
type Edit = { body: string; status?: "pending" | "shadow"; flags?: string | null; fingerprint?: string | null };

/** An edit's new text (and its HTML) with what its judgement set, and when. */
function editedData(edit: Edit, now: Date) {
  return {
    body: edit.body,
    ...htmlColumns(edit.body),
    editedAt: now,
    ...(edit.status ? { status: edit.status } : {}),
    ...(edit.flags ? { flags: edit.flags } : {}),
    ...(edit.fingerprint !== undefined ? { fingerprint: edit.fingerprint } : {}),
  };
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

/** A fediverse reply as its author's server identifies it: its id there, and only its actor may change it. */
export type RemoteRef = { remoteId: string; actor: string };

/** The comment a fediverse Note became, when the actor asking is the one who wrote it. */
export async function remoteComment(ref: RemoteRef, db: Db = defaultDb()) {
  const comment = await db.comment.findUnique({
    where: { remoteId: ref.remoteId },
    select: { id: true, articleSlug: true, authorName: true, remoteActor: true, status: true, deletedAt: true },
  });
  if (!comment || comment.deletedAt) return { kind: "not-found" as const };
  if (comment.remoteActor !== ref.actor) return { kind: "not-yours" as const };
  return { kind: "ok" as const, comment };
}

/** Its author's edit of a fediverse reply (their Update): no time limit, as on their own server. */
export async function editRemoteComment(
  id: string,
  edit: Edit,
  db: Db = defaultDb(),
  now = new Date(),
): Promise<boolean> {
  const { count } = await db.comment.updateMany({
    where: { id, status: { not: "hidden" }, deletedAt: null },
    data: editedData(edit, now),
  });
  return count === 1;
}

/** Its author's deletion of a fediverse reply (their Delete). */
export async function deleteRemoteComment(id: string, db: Db = defaultDb(), now = new Date()): Promise<void> {
  await removeComment(id, db, now);
}

/** Deletes a comment; one with replies keeps its place as "[deleted]" so the thread still reads. */
async function removeComment(id: string, db: Db, now: Date): Promise<void> {
  const replies = await db.comment.count({ where: { parentId: id } });
  if (replies > 0) {
    // A fediverse reply keeps its ids (a second Delete finds it gone) but not who wrote it.
    await db.comment.update({
      where: { id },
      data: {
        deletedAt: now,
        body: "",
        ...NO_HTML,
        authorName: "",
        authorHandle: null,
        authorAvatar: null,
        remoteUrl: null,
      },
    });
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
