import "server-only";
import { db as defaultDb, type Db } from "../server/db";
import { randomUUID } from "node:crypto";
import {
  checkPlacements,
  EXPORT_VERSION,
  parseCommentExport,
  type CommentExport,
  type ImportProblem,
  type Placement,
} from "./export-schema";
import { NO_HTML, type CommentStatus } from "./store";
import type { SubscriptionKind } from "../mail/schema";
import { siteLanguage } from "../i18n";

/**
 * Everything, for a backup or a move: comments (every state), reactions and locked discussions,
 * oldest first; readers' email addresses and what they follow only when the author asks for them.
 */
export async function exportComments(
  db: Db = defaultDb(),
  now = new Date(),
  options: { emails?: boolean } = {},
): Promise<CommentExport> {
  const [comments, reactions, locks, subscribers] = await Promise.all([
    db.comment.findMany({ orderBy: [{ depth: "asc" }, { createdAt: "asc" }, { id: "asc" }] }),
    db.reaction.findMany({ orderBy: [{ createdAt: "asc" }, { commentId: "asc" }, { voterId: "asc" }] }),
    db.threadLock.findMany({ orderBy: { articleSlug: "asc" } }),
    options.emails
      ? db.subscriber.findMany({
          orderBy: { email: "asc" },
          include: { subscriptions: { orderBy: { createdAt: "asc" } } },
        })
      : null,
  ]);
  const iso = (date: Date | null) => date?.toISOString() ?? null;
  return {
    format: "marginalia-comments",
    version: EXPORT_VERSION,
    exportedAt: now.toISOString(),
    comments: comments.map((c) => ({
      id: c.id,
      articleSlug: c.articleSlug,
      parentId: c.parentId,
      rootId: c.rootId,
      depth: c.depth,
      replyToName: c.replyToName,
      authorName: c.authorName,
      body: c.body,
      status: c.status as CommentStatus,
      createdAt: c.createdAt.toISOString(),
      editedAt: iso(c.editedAt),
      deletedAt: iso(c.deletedAt),
      authorUrl: c.authorUrl,
      byAuthor: c.byAuthor,
      pinned: c.pinned,
      flags: c.flags,
    })),
    reactions: reactions.map((r) => ({
      commentId: r.commentId,
      voterId: r.voterId,
      createdAt: r.createdAt.toISOString(),
    })),
    locks: locks.map((lock) => lock.articleSlug),
    ...(subscribers && {
      subscribers: subscribers.map((s) => ({
        email: s.email,
        confirmedAt: iso(s.confirmedAt),
        subscriptions: s.subscriptions.map(({ kind, target }) => ({ kind: kind as SubscriptionKind, target })),
      })),
    }),
  };
}

export type ImportResult =
  | {
      kind: "imported";
      comments: number;
      reactions: number;
      /** Of `comments`: new ones, and those already stored (overwritten by the file's version). */
      added: number;
      alreadyThere: number;
    }
  | { kind: "refused"; problem: ImportProblem };

/** What an import did, in the words of the other systems' imports: "0 new, 3 already there". */
export function describeImported(
  result: Pick<Extract<ImportResult, { kind: "imported" }>, "added" | "alreadyThere" | "reactions">,
): string {
  const { t, format } = siteLanguage();
  return t("admin.imported", {
    added: format.number(result.added),
    already: format.number(result.alreadyThere),
    reactions: result.reactions,
  });
}

// Ids per query: SQLite takes at most 32,766 parameters, PostgreSQL 65,535.
const LOOKUP_CHUNK = 1_000;

/**
 * Loads an export: every record is checked first (lib/comments/export-schema.ts) and one
 * problem refuses the whole file; then comments are created or overwritten by id, parents before
 * replies, all in one transaction.
 */
export async function importComments(file: unknown, db: Db = defaultDb(), now = new Date()): Promise<ImportResult> {
  const parsed = parseCommentExport(file, now);
  if (parsed.kind === "invalid") return { kind: "refused", problem: parsed.problem };
  const data = parsed.data;
  const date = (value: string | null) => (value ? new Date(value) : null);
  const comments = [...data.comments].sort((a, b) => a.depth - b.depth);
  const named = [
    ...new Set([
      ...comments.flatMap((c) => (c.parentId ? [c.id, c.parentId] : [c.id])),
      ...data.reactions.map((r) => r.commentId),
    ]),
  ];
  let alreadyThere = 0;
  const problem = await db.$transaction(
    async (tx) => {
      // The stored comments the file names, read in the transaction that writes, so the checks hold.
      const stored = new Map<string, Placement>();
      for (let i = 0; i < named.length; i += LOOKUP_CHUNK) {
        const rows = await tx.comment.findMany({
          where: { id: { in: named.slice(i, i + LOOKUP_CHUNK) } },
          select: { id: true, articleSlug: true, parentId: true, rootId: true, depth: true },
        });
        for (const { id, ...placement } of rows) stored.set(id, placement);
      }
      const misplaced = checkPlacements(data, stored);
      if (misplaced) return misplaced;
      alreadyThere = comments.filter((c) => stored.has(c.id)).length;
      for (const c of comments) {
        const fields = {
          articleSlug: c.articleSlug,
          parentId: c.parentId,
          rootId: c.rootId,
          depth: c.depth,
          replyToName: c.replyToName,
          authorName: c.authorName,
          body: c.body,
          // Never the file's HTML (stored HTML is the sanitizer's own output): rendered by the
          // comment's first view and written back, like an import's (import/writer.ts).
          ...NO_HTML,
          status: c.status,
          createdAt: new Date(c.createdAt),
          editedAt: date(c.editedAt),
          deletedAt: date(c.deletedAt),
          authorUrl: c.authorUrl,
          byAuthor: c.byAuthor,
          pinned: c.pinned,
          flags: c.flags,
        };
        await tx.comment.upsert({ where: { id: c.id }, create: { id: c.id, ...fields }, update: fields });
      }
      for (const r of data.reactions) {
        await tx.reaction.upsert({
          where: { commentId_voterId: { commentId: r.commentId, voterId: r.voterId } },
          create: { commentId: r.commentId, voterId: r.voterId, createdAt: new Date(r.createdAt) },
          update: {},
        });
      }
      for (const articleSlug of data.locks) {
        await tx.threadLock.upsert({ where: { articleSlug }, create: { articleSlug }, update: {} });
      }
      await importSubscribers(data.subscribers ?? [], tx);
      return null;
    },
    { timeout: 120_000, maxWait: 10_000 },
  );
  if (problem) return { kind: "refused", problem };
  return {
    kind: "imported",
    comments: comments.length,
    reactions: data.reactions.length,
    added: comments.length - alreadyThere,
    alreadyThere,
  };
}

/** A confirmed address stays confirmed; one the file has as confirmed is taken as it is. */
async function importSubscribers(
  subscribers: NonNullable<CommentExport["subscribers"]>,
  tx: Pick<Db, "subscriber" | "subscription">,
) {
  for (const s of subscribers) {
    const confirmedAt = s.confirmedAt ? new Date(s.confirmedAt) : null;
    const { id } = await tx.subscriber.upsert({
      where: { email: s.email },
      create: { id: randomUUID(), email: s.email, confirmedAt },
      update: confirmedAt ? { confirmedAt } : {},
    });
    for (const { kind, target } of s.subscriptions) {
      await tx.subscription.upsert({
        where: { subscriberId_kind_target: { subscriberId: id, kind, target } },
        create: { id: randomUUID(), subscriberId: id, kind, target },
        update: {},
      });
    }
  }
}
