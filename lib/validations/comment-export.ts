import { z } from "zod";

const isoDate = z.iso.datetime({ offset: true });

/** The file /admin/export writes and /admin/import reads back (see CommentExport in lib/comments.ts). */
export const commentExportSchema = z.object({
  format: z.literal("marginalia-comments"),
  version: z.literal(1),
  exportedAt: isoDate,
  comments: z.array(
    z.object({
      id: z.string().min(1).max(64),
      articleSlug: z.string().min(1).max(200),
      parentId: z.string().min(1).max(64).nullable(),
      rootId: z.string().min(1).max(64),
      depth: z.number().int().min(1).max(3),
      replyToName: z.string().max(80).nullable(),
      authorName: z.string().max(80),
      body: z.string().max(5_000),
      status: z.enum(["published", "pending", "hidden"]),
      createdAt: isoDate,
      editedAt: isoDate.nullable(),
      deletedAt: isoDate.nullable(),
    }),
  ),
  reactions: z.array(z.object({ commentId: z.string().min(1).max(64), voterId: z.string().min(1).max(64), createdAt: isoDate })),
});
