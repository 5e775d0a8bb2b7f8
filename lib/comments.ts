import "server-only";
import { db as defaultDb, type Db } from "./db";
import type { CommentInput } from "./validations/comment";

export type Comment = { id: string; authorName: string; body: string; createdAt: Date };

/** An article's comments, oldest first, as readers see them. */
export async function listCommentsForArticle(slug: string, db: Db = defaultDb()): Promise<Comment[]> {
  return db.comment.findMany({
    where: { articleSlug: slug },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    select: { id: true, authorName: true, body: true, createdAt: true },
  });
}

/** Stores a validated comment under an article. */
export async function createComment(slug: string, input: CommentInput, db: Db = defaultDb()): Promise<Comment> {
  return db.comment.create({
    data: { articleSlug: slug, authorName: input.name, body: input.body },
    select: { id: true, authorName: true, body: true, createdAt: true },
  });
}
