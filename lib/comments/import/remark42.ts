import { z } from "zod";
import { at, onLine, say, WHOLE_FILE, type ImportMessage } from "./message";
import {
  ImportFileError,
  MAX_FIELD_CHARS,
  readText,
  skipped,
  type Progress,
  type SourceComment,
  type SourceRecord,
  type SourceSkip,
} from "./source";

// Remark42's backup (`backup` command, var/backup/*.gz once gunzipped): JSON lines, a first line
// {"version", "users", "posts"} then one comment per line (backend/app/migrator/native.go). The
// first line's read-only posts become locked discussions and its blocked users bans, by the name
// they wrote under (a ban here is by name, browser or address; Remark42's user ids mean nothing
// here). Deleted comments are kept only as the place of their replies. See real/SOURCES.md.

const MAX_LINE = MAX_FIELD_CHARS * 2;

const header = z.looseObject({
  version: z.number(),
  users: z
    .array(
      z.looseObject({
        id: z.string(),
        blocked: z.looseObject({ status: z.boolean(), until: z.string().optional() }).optional(),
      }),
    )
    .nullish(),
  posts: z.array(z.looseObject({ url: z.string(), read_only: z.boolean().optional() })).nullish(),
});
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

/** Blocked users by Remark42 id: until when, and the name they wrote under once seen. */
type Blocked = Map<string, { until: Date | null; name?: string }>;

export async function* readRemark42(file: string, onProgress?: Progress): AsyncGenerator<SourceRecord> {
  let line = 0;
  const blocked: Blocked = new Map();
  for await (const text of lines(file, onProgress)) {
    line++;
    if (text.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      if (line === 1) throw new ImportFileError(onLine(1), "json", say("admin.import.why.notRemark42"));
      yield skipped(onLine(line), "invalid", { field: "json", detail: say("admin.import.why.notJson") });
      continue;
    }
    if (line === 1) yield* readHeader(value, blocked);
    else yield readComment(value, line, blocked);
  }
  if (line === 0) throw new ImportFileError(WHOLE_FILE, "version", say("admin.import.why.emptyFile"));
  for (const [id, user] of blocked) {
    const record = at(`user id=${JSON.stringify(id.slice(0, 80))}`, 1);
    if (user.name)
      yield { kind: "ban", record, name: user.name, until: user.until, note: say("admin.import.why.banNote", { id }) };
    else yield skipped(record, "ban-no-name", { field: "blocked", outside: true });
  }
}

function* readHeader(value: unknown, blocked: Blocked): Generator<SourceRecord> {
  const parsed = header.safeParse(value);
  if (!parsed.success) throw new ImportFileError(onLine(1), "version", say("admin.import.why.noVersion"));
  for (const user of parsed.data.users ?? []) {
    if (!user.blocked?.status) continue;
    const until = user.blocked.until ? new Date(user.blocked.until) : null;
    blocked.set(user.id, { until: until && !Number.isNaN(until.getTime()) ? until : null });
  }
  for (const post of parsed.data.posts ?? [])
    if (post.read_only)
      yield { kind: "thread", record: at(`post ${JSON.stringify(post.url)}`, 1), threadUrl: post.url, locked: true };
}

function readComment(value: unknown, line: number, blocked: Blocked): SourceComment | SourceSkip {
  const parsed = comment.safeParse(value);
  const id = (value as { id?: unknown })?.id;
  const record = at(`comment id=${JSON.stringify(typeof id === "string" ? id.slice(0, 80) : "")}`, line);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return skipped(record, "invalid", {
      field: issue.path.join(".") || "comment",
      detail: issueMessage(issue, value),
      id: typeof id === "string" ? id : undefined,
    });
  }
  const c = parsed.data;
  const user = c.user.id ? blocked.get(c.user.id) : undefined;
  if (user && !user.name && c.user.name && !c.delete) user.name = c.user.name;
  return {
    kind: "comment",
    record,
    id: c.id,
    parentId: c.pid || null,
    threadUrl: c.locator.url,
    authorName: c.user.name ?? "",
    authorUrl: null,
    // `orig` is the markdown as written; `text` the HTML Remark42 rendered from it (all that a
    // comment migrated into Remark42 from Disqus or WordPress has).
    body: c.orig || c.text || "",
    bodyFormat: c.orig ? "markdown" : "html",
    createdAt: c.time,
    state: c.delete ? "deleted" : "published",
    pinned: c.pin === true,
  };
}

/** What is wrong with a field, in the report's words rather than zod's (English). */
function issueMessage(issue: z.core.$ZodIssue, value: unknown): ImportMessage {
  if (issue.code !== "invalid_type") return say("admin.import.why.jsonShape");
  let found = value;
  for (const key of issue.path) found = (found as Record<PropertyKey, unknown> | null | undefined)?.[key];
  return found === undefined
    ? say("admin.import.why.missing")
    : say("admin.import.why.jsonType", { expected: issue.expected });
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
      throw new ImportFileError(onLine(count + 1), "line", say("admin.import.why.tooLong", { max: MAX_LINE }));
  }
  if (rest) yield rest;
}
