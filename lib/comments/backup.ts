import "server-only";
import { db as defaultDb, type Db } from "../server/db";
import { checkPlacements, parseCommentExport, type ImportProblem, type Placement } from "./export-schema";

/** Everything, for a backup or a move: comments (every state) and reactions, oldest first. */
export type CommentExport = {
  format: "marginalia-comments";
  version: 1;
  exportedAt: string;
  comments: Array<{
    id: string;
    articleSlug: string;
    parentId: string | null;
    rootId: string;
    depth: number;
    replyToName: string | null;
    authorName: string;
    body: string;
    status: string;
    createdAt: string;
    editedAt: string | null;
    deletedAt: string | null;
  }>;
  reactions: Array<{ commentId: string; voterId: string; createdAt: string }>;
};

export async function exportComments(db: Db = defaultDb(), now = new Date()): Promise<CommentExport> {
  const [comments, reactions] = await Promise.all([
    db.comment.findMany({ orderBy: [{ depth: "asc" }, { createdAt: "asc" }, { id: "asc" }] }),
    db.reaction.findMany({ orderBy: [{ createdAt: "asc" }, { commentId: "asc" }, { voterId: "asc" }] }),
  ]);
  const iso = (date: Date | null) => date?.toISOString() ?? null;
  return {
    format: "marginalia-comments",
    version: 1,
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
      status: c.status,
      createdAt: c.createdAt.toISOString(),
      editedAt: iso(c.editedAt),
      deletedAt: iso(c.deletedAt),
    })),
    reactions: reactions.map((r) => ({
      commentId: r.commentId,
      voterId: r.voterId,
      createdAt: r.createdAt.toISOString(),
    })),
  };
}

export type ImportResult =
  { kind: "imported"; comments: number; reactions: number } | { kind: "refused"; problem: ImportProblem };

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
      for (const c of comments) {
        const fields = {
          articleSlug: c.articleSlug,
          parentId: c.parentId,
          rootId: c.rootId,
          depth: c.depth,
          replyToName: c.replyToName,
          authorName: c.authorName,
          body: c.body,
          status: c.status,
          createdAt: new Date(c.createdAt),
          editedAt: date(c.editedAt),
          deletedAt: date(c.deletedAt),
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
      return null;
    },
    { timeout: 120_000, maxWait: 10_000 },
  );
  if (problem) return { kind: "refused", problem };
  return { kind: "imported", comments: comments.length, reactions: data.reactions.length };
}
