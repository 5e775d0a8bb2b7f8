import Database from "better-sqlite3";
import { ImportFileError, type Progress, type SourceComment } from "./source";

// Isso's SQLite database (the file named by its `dbpath`): threads(id, uri, title) and
// comments(tid, id, parent, created, modified, mode, remote_addr, text, author, email, website,
// likes, dislikes, voters, notification); mode 1 accepted, 2 pending, 4 deleted. Text is markdown.

const MODES: Record<number, SourceComment["state"]> = { 1: "published", 2: "pending", 4: "deleted" };

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

export async function* readIsso(file: string, onProgress?: Progress): AsyncGenerator<SourceComment> {
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    db.prepare("SELECT 1 FROM comments, threads LIMIT 0").all();
  } catch (error) {
    throw new ImportFileError("file", "database", `not an Isso database (${(error as Error).message})`);
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
      const record = `comments.id=${String(row.id).slice(0, 40)}`;
      if (row.uri === null) throw new ImportFileError(record, "tid", "names no thread in the threads table");
      const state = MODES[Number(row.mode)];
      if (!state) throw new ImportFileError(record, "mode", `unknown mode ${String(row.mode).slice(0, 20)}`);
      yield {
        record,
        id: typeof row.id === "number" ? String(row.id) : row.id,
        parentId: row.parent === null ? null : typeof row.parent === "number" ? String(row.parent) : row.parent,
        threadUrl: row.uri,
        authorName: row.author ?? "",
        authorUrl: row.website || null,
        body: row.text ?? "",
        bodyFormat: "markdown",
        // Seconds since 1970, with a fraction.
        createdAt: typeof row.created === "number" ? new Date(row.created * 1000).toISOString() : row.created,
        state,
      };
      if (++done % 1000 === 0) onProgress?.(done, total);
    }
    onProgress?.(done, total);
  } finally {
    db.close();
  }
}
