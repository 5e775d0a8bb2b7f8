import "server-only";
import { db as defaultDb, type Db } from "../../server/db";
import type { Viewer } from "./shared";

// The 👍: a browser's toggle on a published comment, and which comments of an article a reader
// gave one (for the threads and the commenter's page).

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

/** The comments of an article the reader gave a 👍: a few rows, where a list of every comment's id would not fit. */
export async function reactedOn(slug: string, viewer: Viewer, db: Db = defaultDb()): Promise<Set<string>> {
  if (!viewer.voterId) return new Set();
  const rows = await db.reaction.findMany({
    where: { voterId: viewer.voterId, comment: { articleSlug: slug } },
    select: { commentId: true },
  });
  return new Set(rows.map((r) => r.commentId));
}
