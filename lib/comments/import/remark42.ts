import { z } from "zod";
import { ImportFileError, MAX_FIELD_CHARS, readText, type Progress, type SourceComment } from "./source";

// Remark42's backup (`backup` command, var/backup/*.gz once gunzipped): JSON lines, a first line
// {"version", "users", "posts"} then one comment per line. See tests/fixtures/import/README.md.

const MAX_LINE = MAX_FIELD_CHARS * 2;

const header = z.looseObject({ version: z.number() });
const comment = z.looseObject({
  id: z.string(),
  pid: z.string().optional(),
  text: z.string().optional(),
  orig: z.string().optional(),
  user: z.looseObject({ name: z.string().optional(), id: z.string().optional() }),
  locator: z.looseObject({ url: z.string() }),
  time: z.string(),
  delete: z.boolean().optional(),
  pin: z.boolean().optional(),
});

export async function* readRemark42(file: string, onProgress?: Progress): AsyncGenerator<SourceComment> {
  let line = 0;
  for await (const text of lines(file, onProgress)) {
    line++;
    if (text.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new ImportFileError(`line ${line}`, "json", "is not JSON");
    }
    if (line === 1) {
      if (!header.safeParse(value).success)
        throw new ImportFileError("line 1", "version", "missing: is this a Remark42 backup?");
      continue;
    }
    const parsed = comment.safeParse(value);
    const id = (value as { id?: unknown })?.id;
    const record = `comment id=${JSON.stringify(typeof id === "string" ? id.slice(0, 80) : "")} (line ${line})`;
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ImportFileError(record, issue.path.join(".") || "comment", issue.message);
    }
    const c = parsed.data;
    yield {
      record,
      id: c.id,
      parentId: c.pid || null,
      threadUrl: c.locator.url,
      authorName: c.user.name ?? "",
      authorUrl: null,
      // `orig` is the markdown as written; `text` the HTML Remark42 rendered from it.
      body: c.orig ?? c.text ?? "",
      bodyFormat: c.orig !== undefined ? "markdown" : "html",
      createdAt: c.time,
      state: c.delete ? "deleted" : "published",
      pinned: c.pin === true,
    };
  }
  if (line === 0) throw new ImportFileError("file", "version", "the file is empty");
}

/** Lines of the file, each bounded in length. */
async function* lines(file: string, onProgress?: Progress): AsyncGenerator<string> {
  let rest = "";
  let count = 0;
  for await (const text of readText(file, onProgress)) {
    rest += text;
    let newline: number;
    while ((newline = rest.indexOf("\n")) !== -1) {
      count++;
      yield rest.slice(0, newline);
      rest = rest.slice(newline + 1);
    }
    if (rest.length > MAX_LINE)
      throw new ImportFileError(`line ${count + 1}`, "line", `longer than ${MAX_LINE.toLocaleString("en")} characters`);
  }
  if (rest) yield rest;
}
