import { z } from "zod";
import type { CommentCursor } from "./store";

export const API_PAGE_SIZE = 50;
export const API_PAGE_MAX = 100;

/** The answer's `next`: the last thread's time and id, opaque to clients (base64url). */
export function encodeCursor(cursor: CommentCursor): string {
  return Buffer.from(`${cursor.createdAt.getTime()}.${cursor.id}`).toString("base64url");
}

const cursorSchema = z
  .string()
  .max(200)
  .transform((value, ctx): CommentCursor => {
    const match = /^(\d{1,15})\.(.{1,64})$/s.exec(Buffer.from(value, "base64url").toString());
    if (!match) {
      ctx.addIssue({ code: "custom", message: "Not a cursor from this API: send the `next` of the previous answer." });
      return z.NEVER;
    }
    return { createdAt: new Date(Number(match[1])), id: match[2] };
  });

/** GET /api/articles/[slug]/comments?limit=&after=: a page of threads, oldest first. */
export const commentListQuerySchema = z.object({
  limit: z.coerce
    .number({ error: "A number of threads." })
    .int()
    .min(1)
    .max(API_PAGE_MAX, `At most ${API_PAGE_MAX} threads per page.`)
    .default(API_PAGE_SIZE),
  after: cursorSchema.optional(),
});
