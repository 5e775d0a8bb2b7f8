import type { Db } from "../../server/db";
import { NO_HTML } from "../store";
import type { Entry, Placed, Placement } from "./tree";

// The import's only contact with the database: which comments an earlier import stored (and
// where), and the new rows, written in batches as the file streams by, parents before replies
// (tree.ts orders them). Inside the import's transaction; a dry run only reads.

/** Comments read ahead and looked up in one query. */
export const BATCH = 200;
/**
 * Rows per INSERT. Prisma keeps memory in proportion to the largest batches it has run (500 rows
 * held 70 MB more than 20) for no gain in time: each row costs it the same.
 */
const ROWS = 50;

/** The comment table of a client or of a transaction. */
export type CommentStore = Pick<Db, "comment">;

export type Stored = Placement & { status: string; articleSlug: string };

export class RowWriter {
  private rows: ReturnType<typeof rowOf>[] = [];

  constructor(
    private readonly store: CommentStore,
    /** False for a dry run: rows are counted, not written. */
    private readonly write: boolean,
    private readonly now: Date,
  ) {}

  /** Where an earlier import stored each of these comments, by Marginalia id. */
  async stored(ids: readonly string[]): Promise<Map<string, Stored>> {
    const found = new Map<string, Stored>();
    for (let i = 0; i < ids.length; i += BATCH) {
      const rows = await this.store.comment.findMany({
        where: { id: { in: ids.slice(i, i + BATCH) } },
        select: {
          id: true,
          articleSlug: true,
          parentId: true,
          rootId: true,
          depth: true,
          replyToName: true,
          status: true,
        },
      });
      for (const { id, ...row } of rows) found.set(id, row);
    }
    return found;
  }

  /** A new comment, written with the next batch. */
  async add(placed: Placed): Promise<void> {
    if (!this.write) return;
    this.rows.push(rowOf(placed, this.now));
    if (this.rows.length >= ROWS) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.rows.length === 0) return;
    const rows = this.rows;
    this.rows = [];
    await this.store.comment.createMany({ data: rows });
  }
}

function rowOf({ entry, placement }: Placed, now: Date) {
  const { checked, body } = entry as Entry & { body: NonNullable<Entry["body"]> };
  return {
    id: checked.id,
    articleSlug: entry.slug,
    parentId: placement.parentId,
    rootId: placement.rootId,
    depth: placement.depth,
    replyToName: placement.replyToName,
    authorName: checked.authorName,
    authorUrl: checked.authorUrl,
    body: body.body,
    // Rendered by its first view and written back (lib/comments/store/page-html.ts): rendering
    // here cost an import of 100,000 comments 2.3 times its CPU (docs/performance.md).
    ...NO_HTML,
    status: body.status,
    createdAt: checked.createdAt,
    deletedAt: checked.deleted ? now : null,
    flags: body.flags.length ? body.flags.join("\n") : null,
    pinned: checked.pinned,
  };
}
