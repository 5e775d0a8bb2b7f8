import Database from "better-sqlite3";
import { say, WHOLE_FILE } from "./message";
import { ImportFileError, skipped, type Progress, type SourceComment, type SourceRecord } from "./source";

// Isso's SQLite database (the file named by its `dbpath`): threads(id, uri, title) and
// comments(tid, id, parent, created, modified, mode, remote_addr, text, author, email, website,
// likes, dislikes, voters, notification); mode 1 accepted, 2 pending, 4 deleted. A comment
// written in Isso is markdown, but `isso import` stores the HTML of Disqus and WordPress comments
// as it found it (Isso renders both, allowing a few tags): text holding such tags is read as HTML.

const MODES: Record<number, SourceComment["state"]> = { 1: "published", 2: "pending", 4: "deleted" };
/** A tag Isso's sanitizer lets through (isso/utils/html.py), at the start of an element. */
const HTML_TAG =
  /<\/?(?:p|br|a|em|strong|b|i|u|s|del|ins|blockquote|code|pre|ul|ol|li|h[1-6]|hr|img|table|span|div)\b[^>]*>/i;

type Row = {
  id: unknown;
  parent: unknown;
  created: unknown;
  mode: unknown;
  text: unknown;
  author: unknown;
  website: unknown;
  uri: unknown;
};

export async function* readIsso(file: string, onProgress?: Progress): AsyncGenerator<SourceRecord> {
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    db.prepare("SELECT 1 FROM comments, threads LIMIT 0").all();
  } catch (error) {
    throw new ImportFileError(
      WHOLE_FILE,
      "database",
      say("admin.import.why.notIsso", { error: (error as Error).message }),
    );
  }
  try {
    const total = (db.prepare("SELECT count(*) AS n FROM comments").get() as { n: number }).n;
    // iterate() reads row by row: the database is never loaded whole.
    const rows = db
      .prepare(
        "SELECT c.id, c.parent, c.created, c.mode, c.text, c.author, c.website, t.uri FROM comments c LEFT JOIN threads t ON t.id = c.tid ORDER BY c.id",
      )
      .iterate() as IterableIterator<Row>;
    let done = 0;
    for (const row of rows) {
      yield readRow(row);
      if (++done % 1000 === 0) onProgress?.(done, total);
    }
    onProgress?.(done, total);
  } finally {
    db.close();
  }
}

function readRow(row: Row): SourceRecord {
  const record = `comments.id=${String(row.id).slice(0, 40)}`;
  const id = typeof row.id === "number" ? String(row.id) : row.id;
  const authorName = typeof row.author === "string" ? row.author : "";
  const more = { id: typeof id === "string" ? id : undefined, authorName };
  if (row.uri === null)
    return skipped(record, "no-thread", { field: "tid", detail: say("admin.import.why.noThread"), ...more });
  const state = MODES[Number(row.mode)];
  if (!state)
    return skipped(record, "invalid", {
      field: "mode",
      detail: say("admin.import.why.unknownMode", { mode: String(row.mode).slice(0, 20) }),
      ...more,
    });
  const text = typeof row.text === "string" ? row.text : "";
  return {
    kind: "comment",
    record,
    id,
    parentId: row.parent === null ? null : typeof row.parent === "number" ? String(row.parent) : row.parent,
    threadUrl: row.uri,
    authorName: row.author ?? "",
    authorUrl: row.website || null,
    body: text,
    // Isso's WordPress import turned line breaks into markdown's "  \n": kept as line breaks.
    bodyFormat: HTML_TAG.test(text) ? "html-newlines" : "markdown",
    // Seconds since 1970, with a fraction.
    createdAt: typeof row.created === "number" ? new Date(row.created * 1000).toISOString() : row.created,
    state,
  };
}
