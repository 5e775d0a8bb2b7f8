import "server-only";
import { db as defaultDb, type Db } from "./db";
import { forgetPages } from "./page-cache";

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
    reactions: reactions.map((r) => ({ commentId: r.commentId, voterId: r.voterId, createdAt: r.createdAt.toISOString() })),
  };
}

/**
 * Loads an export (validated by lib/validations/comment-export.ts): comments are created or
 * overwritten by id, parents before replies, all in one transaction.
 */
export async function importComments(data: CommentExport, db: Db = defaultDb()): Promise<{ comments: number; reactions: number }> {
  const date = (value: string | null) => (value ? new Date(value) : null);
  const comments = [...data.comments].sort((a, b) => a.depth - b.depth);
  await db.$transaction(async (tx) => {
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
  }, { timeout: 120_000, maxWait: 10_000 });
  forgetPages();
  return { comments: comments.length, reactions: data.reactions.length };
}
