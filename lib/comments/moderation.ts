import "server-only";
import { db as defaultDb, type Db } from "../server/db";

// The rows of the author's moderation beyond lib/comments/store.ts's approve/hide/delete: pins
// (first in every sort) and locked discussions (no new comments or replies). Changes go through
// lib/comments/service.ts, which drops the cached pages they change.

/** Pins or unpins a comment; false when there is no such comment. */
export async function setPinned(id: string, pinned: boolean, db: Db = defaultDb()): Promise<boolean> {
  const { count } = await db.comment.updateMany({ where: { id, deletedAt: null }, data: { pinned } });
  return count > 0;
}

/**
 * Whether this browser has a published comment, for COMMENTS_MODERATION=first (as WordPress's
 * "comment author must have a previously approved comment", by the browser's signed id).
 */
export async function hasApprovedComment(browserId: string, db: Db = defaultDb()): Promise<boolean> {
  return (await db.comment.count({ where: { browserId, status: "published", deletedAt: null } })) > 0;
}

export async function isThreadLocked(slug: string, db: Db = defaultDb()): Promise<boolean> {
  return (await db.threadLock.count({ where: { articleSlug: slug } })) > 0;
}

export async function setThreadLocked(slug: string, locked: boolean, db: Db = defaultDb()): Promise<void> {
  if (locked) await db.threadLock.upsert({ where: { articleSlug: slug }, create: { articleSlug: slug }, update: {} });
  else await db.threadLock.deleteMany({ where: { articleSlug: slug } });
}
