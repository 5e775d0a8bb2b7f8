import "server-only";
import { COMMENT_HTML_VERSION, renderCommentForPage, renderCommentToStore } from "../../content/comment-markdown";
import { isPostgres, type Db } from "../../server/db";

// A comment's HTML as pages show it is kept in its row (`html`, `htmlVersion`): rendered when its
// body is written, so a page reads it instead of running remark and the sanitizer on every comment
// it shows for the first time since the server started (0.4–1 ms each: 200 of them were most of
// the first render of a 10,000-comment article). Every write of a body takes its columns from
// here; a row whose HTML another renderer version made (or none: rows older than the columns) is
// rendered as before, and its HTML written back.

/** What a row keeps of its body's page HTML: written with the body by every write of one. */
export function htmlColumns(body: string): { html: string; htmlVersion: number } {
  return { html: renderCommentToStore(body), htmlVersion: COMMENT_HTML_VERSION };
}

/** A removed comment's: its text is gone, so is its HTML. */
export const NO_HTML = { html: null, htmlVersion: null };

/** The columns a page reads of a comment's text. */
export type StoredText = { id: string; body: string; html: string | null; htmlVersion: number | null };

/** A row whose HTML a page rendered, to be written back: its body then, and what it rendered. */
export type Rendered = { id: string; body: string; html: string };

/**
 * A row's page HTML: as stored when the current renderer made it, else rendered from the body
 * and noted in `stale` (when given) to be written back. Stored HTML of any other version is never
 * shown: it may predate a rule of the sanitizer.
 */
export function pageHtml(row: StoredText, stale?: Rendered[]): string {
  if (row.htmlVersion === COMMENT_HTML_VERSION && row.html !== null) return row.html;
  const html = renderCommentForPage(row.body);
  stale?.push({ id: row.id, body: row.body, html });
  return html;
}

/** The most rows one write-back stores: a page's worth (its first 50 threads hold about 200). */
const WRITE_BACK_MAX = 250;
let writingBack = false;

/**
 * Stores the HTML of rows a page rendered because theirs was absent or stale, so the next
 * render reads it: one write-back at a time (per copy of this module), at most WRITE_BACK_MAX
 * rows (the next render does the rest), not awaited by the page. A row is written only if its
 * body is still the one rendered (an edit meanwhile wrote its own HTML) and no newer renderer
 * wrote it. A failure (a busy or unreachable database) costs only the saving: the page has its
 * HTML already.
 */
export function writeBackHtml(rows: Rendered[], db: Db): void {
  if (rows.length === 0 || writingBack) return;
  writingBack = true;
  const batch = rows.slice(0, WRITE_BACK_MAX);
  const write = (client: Pick<Db, "comment">, { id, body, html }: Rendered) =>
    client.comment.updateMany({
      where: {
        id,
        body,
        deletedAt: null,
        OR: [{ htmlVersion: null }, { htmlVersion: { lt: COMMENT_HTML_VERSION } }],
      },
      data: { html, htmlVersion: COMMENT_HTML_VERSION },
    });
  // Started on the next tick, so nothing it throws can reach the page; one transaction, so one
  // commit on SQLite rather than one per row. On PostgreSQL only the rows nobody holds (SKIP
  // LOCKED): a saving nobody waits for must never wait on, or deadlock with, a write that matters
  // (a restore, a moderator's change, which lock the same rows in another order); a held row is
  // written by a later render.
  Promise.resolve()
    .then((): Promise<unknown> =>
      isPostgres(db)
        ? db.$transaction(async (tx) => {
            const free = await tx.$queryRawUnsafe<{ id: string }[]>(
              `SELECT id FROM "Comment" WHERE id = ANY($1::text[]) FOR UPDATE SKIP LOCKED`,
              batch.map((row) => row.id),
            );
            const ids = new Set(free.map((row) => row.id));
            for (const row of batch) if (ids.has(row.id)) await write(tx, row);
          })
        : db.$transaction(batch.map((row) => write(db, row))),
    )
    .catch((error: unknown) => {
      const reason =
        (error as { code?: string }).code ??
        String((error as Error).message)
          .trim()
          .split("\n")
          .at(-1);
      console.warn(`comments: stored HTML not written back (${reason})`);
    })
    .finally(() => {
      writingBack = false;
    });
}
