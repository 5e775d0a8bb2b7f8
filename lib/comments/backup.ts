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

/** Rows read per query while an export is written. */
const EXPORT_PAGE = 1_000;

/**
 * Everything, for a backup or a move: comments (every state, parents before replies), reactions
 * and locked discussions; readers' email addresses and what they follow only when the author asks
 * for them. Written as JSON text a page of rows at a time, so a large site's backup never sits
 * whole in the server's memory (100,000 comments as objects and as text ran a 512 MB machine's
 * server out of heap). A reply whose parent is not in the file (both posted while the pages were
 * read) is left out, and so is a 👍 on a comment not in it: the file is always one a restore
 * accepts.
 */
export async function* exportText(
  db: Db = defaultDb(),
  now = new Date(),
  options: { emails?: boolean } = {},
): AsyncGenerator<string> {
  const iso = (date: Date | null) => date?.toISOString() ?? null;
  const written = new Set<string>();
  yield `{\n  "format": "marginalia-comments",\n  "version": ${EXPORT_VERSION},\n  "exportedAt": "${now.toISOString()}"`;
  // EXPORTED selects the file's fields; the dates are written as ISO strings.
  yield* array("comments", commentPages(db, written), (c): CommentExport["comments"][number] => ({
    ...c,
    status: c.status as CommentStatus,
    createdAt: c.createdAt.toISOString(),
    editedAt: iso(c.editedAt),
    deletedAt: iso(c.deletedAt),
  }));
  yield* array(
    "reactions",
    kept(
      pages(
        (page: Page<{ commentId_voterId: { commentId: string; voterId: string } }>) =>
          db.reaction.findMany({ orderBy: [{ commentId: "asc" }, { voterId: "asc" }], ...page }),
        ({ commentId, voterId }) => ({ commentId_voterId: { commentId, voterId } }),
      ),
      (r) => written.has(r.commentId),
    ),
    (r): CommentExport["reactions"][number] => ({
      commentId: r.commentId,
      voterId: r.voterId,
      createdAt: r.createdAt.toISOString(),
    }),
  );
  const locks = await db.threadLock.findMany({ orderBy: { articleSlug: "asc" } });
  yield `,\n  "locks": ${JSON.stringify(locks.map((lock) => lock.articleSlug))}`;
  if (options.emails) {
    yield* array(
      "subscribers",
      pages(
        (page: Page<{ email: string }>) =>
          db.subscriber.findMany({
            orderBy: { email: "asc" },
            include: { subscriptions: { orderBy: { createdAt: "asc" } } },
            ...page,
          }),
        (s) => ({ email: s.email }),
      ),
      (s): NonNullable<CommentExport["subscribers"]>[number] => ({
        email: s.email,
        confirmedAt: iso(s.confirmedAt),
        subscriptions: s.subscriptions.map(({ kind, target }) => ({ kind: kind as SubscriptionKind, target })),
      }),
    );
  }
  yield "\n}\n";
}

type Page<Cursor> = { take: number; skip?: 1; cursor?: Cursor };

/** The rows of a keyset-paged query, page after page; `cursorOf` names a row uniquely, for the next page to start after it. */
async function* pages<Row, Cursor>(
  read: (page: Page<Cursor>) => Promise<Row[]>,
  cursorOf: (row: Row) => Cursor,
): AsyncGenerator<Row[]> {
  let page: Page<Cursor> = { take: EXPORT_PAGE };
  for (;;) {
    const rows = await read(page);
    if (rows.length > 0) yield rows;
    if (rows.length < EXPORT_PAGE) return;
    page = { take: EXPORT_PAGE, skip: 1, cursor: cursorOf(rows.at(-1)!) };
  }
}

/**
 * The comments, parents before replies (by depth), each depth by id: every page a seek on the
 * primary key. A cursor on (depth, createdAt, id) made SQLite sort the whole table for each page
 * (70–300 ms of the event loop per 1,000 rows at 100,000 comments, against 4–15).
 */
async function* commentPages(db: Db, written: Set<string>) {
  const { _min, _max } = await db.comment.aggregate({ _min: { depth: true }, _max: { depth: true } });
  for (let depth = _min.depth ?? 1; depth <= (_max.depth ?? 0); depth++) {
    const rows = pages(
      (page: Page<{ id: string }>) =>
        db.comment.findMany({ select: EXPORTED, where: { depth }, orderBy: { id: "asc" }, ...page }),
      (c) => ({ id: c.id }),
    );
    yield* kept(rows, (c) => {
      const keep = c.parentId === null || written.has(c.parentId);
      if (keep) written.add(c.id);
      return keep;
    });
  }
}

/** The rows of each page that `keep` keeps. */
async function* kept<Row>(rows: AsyncGenerator<Row[]>, keep: (row: Row) => boolean): AsyncGenerator<Row[]> {
  for await (const page of rows) yield page.filter(keep);
}

/** A comment's fields in the file (export-schema.ts's comment record). */
const EXPORTED = {
  id: true,
  articleSlug: true,
  parentId: true,
  rootId: true,
  depth: true,
  replyToName: true,
  authorName: true,
  body: true,
  status: true,
  createdAt: true,
  editedAt: true,
  deletedAt: true,
  authorUrl: true,
  byAuthor: true,
  pinned: true,
  flags: true,
} as const;

/** A key of the export and its array, a record a line, one page of them a piece of text. */
async function* array<Row, Out>(key: string, rows: AsyncGenerator<Row[]>, record: (row: Row) => Out) {
  let first = true;
  yield `,\n  "${key}": [`;
  for await (const page of rows) {
    let text = "";
    for (const row of page) {
      text += `${first ? "" : ","}\n    ${JSON.stringify(record(row))}`;
      first = false;
    }
    yield text;
  }
  yield first ? "]" : "\n  ]";
}

/** The export as an object (tests, small sites): exportText's text, read back. */
export async function exportComments(
  db: Db = defaultDb(),
  now = new Date(),
  options: { emails?: boolean } = {},
): Promise<CommentExport> {
  let text = "";
  for await (const piece of exportText(db, now, options)) text += piece;
  return JSON.parse(text) as CommentExport;
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
