import { z } from "zod";
import { SLUG_PATTERN } from "../slug";
import { commentBodySchema, commentNameSchema } from "./validation";
import { emailSchema, SUBSCRIPTION_KINDS } from "../mail/schema";
import { COMMENT_STATUSES, MAX_DEPTH } from "./limits";

// The file /admin/export writes and /admin/import reads back (see lib/comments/backup.ts). An
// imported comment reaches every reader's page, so each record passes the rules a new comment
// does, and its place in its thread is checked against the file and the database. Version 1 files
// (no pins, author badges, web sites, flags, locks or subscribers) still import.

/** Comment and browser ids as this app makes them (UUIDs; cuids in its first version). */
const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
/** How far ahead of this server's clock an exporting server's clock may have been. */
const CLOCK_SKEW_MS = 5 * 60_000;

const id = z.string().regex(ID_PATTERN, "must be 1 to 64 letters, digits, - or _");

function exportSchema(now: Date) {
  const date = z.iso
    .datetime({ offset: true, error: "must be an ISO 8601 date and time" })
    .refine((value) => Date.parse(value) <= now.getTime() + CLOCK_SKEW_MS, "is in the future");
  const later = (value: string | null, than: string) => value === null || Date.parse(value) >= Date.parse(than);

  const comment = z
    .object({
      id,
      articleSlug: z.string().max(200).regex(SLUG_PATTERN, "must be an article's slug"),
      parentId: id.nullable(),
      rootId: id,
      depth: z.number().int().min(1).max(MAX_DEPTH),
      replyToName: commentNameSchema.nullable(),
      authorName: z.string(),
      body: z.string(),
      status: z.enum(COMMENT_STATUSES),
      createdAt: date,
      editedAt: date.nullable(),
      deletedAt: date.nullable(),
      authorUrl: z
        .url({ protocol: /^https?$/, error: "must be an http(s) address" })
        .max(500)
        .nullable()
        .default(null),
      byAuthor: z.boolean().default(false),
      pinned: z.boolean().default(false),
      flags: z.string().max(2_000).nullable().default(null),
    })
    .transform((c, ctx) => {
      const fail = (field: string, message: string) => ctx.addIssue({ code: "custom", path: [field], message });
      if (!later(c.editedAt, c.createdAt)) fail("editedAt", "is before createdAt");
      if (!later(c.deletedAt, c.createdAt)) fail("deletedAt", "is before createdAt");
      if ((c.depth === 1) !== (c.parentId === null))
        fail("parentId", c.depth === 1 ? "must be null at depth 1" : "is missing for a reply");
      if (c.depth === 1 && c.rootId !== c.id) fail("rootId", "must be the comment's own id at depth 1");
      if (c.replyToName !== null && c.depth !== MAX_DEPTH) fail("replyToName", `is only set at depth ${MAX_DEPTH}`);
      // A deleted comment keeps its place for its replies, and nothing of what it said.
      if (c.deletedAt) {
        if (c.authorName !== "") fail("authorName", "must be empty for a deleted comment");
        if (c.body !== "") fail("body", "must be empty for a deleted comment");
        return c;
      }
      const name = commentNameSchema.safeParse(c.authorName);
      const body = commentBodySchema.safeParse(c.body);
      if (!name.success) fail("authorName", name.error.issues[0].message);
      if (!body.success) fail("body", body.error.issues[0].message);
      return name.success && body.success ? { ...c, authorName: name.data, body: body.data } : z.NEVER;
    });

  const subscriber = z.object({
    email: emailSchema,
    confirmedAt: date.nullable(),
    subscriptions: z.array(z.object({ kind: z.enum(SUBSCRIPTION_KINDS), target: z.string().max(200) })).max(10_000),
  });

  return z.object({
    format: z.literal("marginalia-comments"),
    version: z.union([z.literal(1), z.literal(EXPORT_VERSION)]),
    exportedAt: date,
    comments: z.array(comment),
    reactions: z.array(z.object({ commentId: id, voterId: id, createdAt: date })),
    /** Discussions the author locked. */
    locks: z.array(z.string().max(200).regex(SLUG_PATTERN, "must be an article's slug")).default([]),
    /** Only in an export the author asked to take with email addresses. */
    subscribers: z.array(subscriber).optional(),
  });
}

export const EXPORT_VERSION = 2;

/** The file as it is written: what exportComments returns. */
export type CommentExport = z.input<ReturnType<typeof exportSchema>>;
/** The file as checked, names and bodies cleaned and defaults filled in. */
export type CommentExportData = z.output<ReturnType<typeof exportSchema>>;

/** What stops an import: the record (`comments[3]`, `reactions[0]` or `file`), its id, the field. */
export type ImportProblem = { record: string; id: string | null; field: string; message: string };

export type ParsedExport = { kind: "ok"; data: CommentExportData } | { kind: "invalid"; problem: ImportProblem };

/** Checks a file record by record: the first problem, or the data with names and bodies cleaned. */
export function parseCommentExport(data: unknown, now = new Date()): ParsedExport {
  const parsed = exportSchema(now).safeParse(data);
  if (parsed.success) return { kind: "ok", data: parsed.data };
  const issue = parsed.error.issues[0];
  const [list, index, ...field] = issue.path;
  if ((list === "comments" || list === "reactions") && typeof index === "number") {
    const record = (data as Record<string, Array<Record<string, unknown>>>)[list][index];
    const recordId = list === "comments" ? record?.id : record?.commentId;
    return {
      kind: "invalid",
      problem: {
        record: `${list}[${index}]`,
        id: typeof recordId === "string" ? recordId : null,
        field: field.join(".") || "record",
        message: issue.message,
      },
    };
  }
  return {
    kind: "invalid",
    problem: { record: "file", id: null, field: issue.path.join(".") || "file", message: issue.message },
  };
}

/** Where a comment sits: what a reply must agree with, and what an import may not change. */
export type Placement = { articleSlug: string; parentId: string | null; rootId: string; depth: number };
const PLACEMENT_FIELDS = ["articleSlug", "parentId", "rootId", "depth"] as const;

/**
 * The first comment or reaction of a checked file that does not fit its thread: replies must hang
 * under a comment of the same article, in the file or `stored` (the database's comments with the
 * ids the file names), one level deeper and in the same thread; a stored comment keeps its place.
 */
export function checkPlacements(data: CommentExportData, stored: ReadonlyMap<string, Placement>): ImportProblem | null {
  const inFile = new Map<string, Placement>();
  for (const [index, c] of data.comments.entries()) {
    const problem = (field: string, message: string): ImportProblem => ({
      record: `comments[${index}]`,
      id: c.id,
      field,
      message,
    });
    if (inFile.has(c.id)) return problem("id", "appears twice in the file");
    inFile.set(c.id, c);
    const before = stored.get(c.id);
    const moved = before && PLACEMENT_FIELDS.find((field) => before[field] !== c[field]);
    if (moved) return problem(moved, "differs from the stored comment with this id: an import cannot move a comment");
  }
  for (const [index, c] of data.comments.entries()) {
    if (c.parentId === null) continue;
    const problem = (field: string, message: string): ImportProblem => ({
      record: `comments[${index}]`,
      id: c.id,
      field,
      message,
    });
    const parent = inFile.get(c.parentId) ?? stored.get(c.parentId);
    if (!parent) return problem("parentId", "names no comment in the file or the database");
    if (parent.articleSlug !== c.articleSlug) return problem("parentId", "names a comment on another article");
    if (c.depth !== parent.depth + 1) return problem("depth", `must be one more than its parent's (${parent.depth})`);
    if (c.rootId !== parent.rootId) return problem("rootId", "must be its parent's thread");
  }
  for (const [index, r] of data.reactions.entries()) {
    if (!inFile.has(r.commentId) && !stored.has(r.commentId)) {
      return {
        record: `reactions[${index}]`,
        id: r.commentId,
        field: "commentId",
        message: "names no comment in the file or the database",
      };
    }
  }
  return null;
}

/** "comments[3] (id "abc"), authorName: is before createdAt", for the admin page. */
export function describeImportProblem(problem: ImportProblem): string {
  const id =
    problem.id === null
      ? ""
      : ` (id ${JSON.stringify(problem.id.length > 40 ? `${problem.id.slice(0, 40)}…` : problem.id)})`;
  return `${problem.record}${id}, ${problem.field}: ${problem.message}`;
}
