import { at, say, WHOLE_FILE, type ImportMessage } from "./message";
import {
  ImportFileError,
  skipped,
  type Progress,
  type SourceComment,
  type SourceRecord,
  type SourceSkip,
} from "./source";
import { isProblem, problemRecord, streamXml, xmlTrouble, type XmlRecord } from "./xml";

// The Disqus export (Admin > Moderation > Export): <thread dsq:id> elements with their <link>,
// then <post dsq:id> elements naming their <thread dsq:id> and <parent dsq:id>. See
// tests/fixtures/import/README.md for the sources of the format and real/SOURCES.md for real files.
// Spam is skipped, a deleted post kept only as the place of its replies, a closed thread locked,
// the posts of a deleted thread skipped (as Remark42's importer does).

const THREAD_FIELDS = ["link", "isClosed", "isDeleted"];
const POST_FIELDS = [
  "id",
  "message",
  "createdAt",
  "isDeleted",
  "isSpam",
  "isApproved",
  "author/name",
  "author/username",
  "thread",
  "parent",
];

const bool = (value: string | undefined) => value?.trim() === "true";

/** A thread as its posts need it: its URL, or why its posts are skipped. */
type Thread = { url: string } | { skip: SourceSkip["reason"]; detail: ImportMessage };

export async function* readDisqus(file: string, onProgress?: Progress): AsyncGenerator<SourceRecord> {
  const threads = new Map<string, Thread>();
  const wanted = (path: string[]) =>
    path.length !== 2 || path[0] !== "disqus"
      ? null
      : path[1] === "thread"
        ? THREAD_FIELDS
        : path[1] === "post"
          ? POST_FIELDS
          : null;
  let sawRoot = false;
  for await (const item of streamXml(file, wanted, onProgress)) {
    if (isProblem(item)) {
      yield problemRecord(item);
      continue;
    }
    sawRoot = true;
    if (item.path[1] === "thread") {
      const thread = readThread(item, threads);
      if (thread) yield thread;
    } else yield readPost(item, threads);
  }
  if (!sawRoot) throw new ImportFileError(WHOLE_FILE, "disqus", say("admin.import.why.notDisqus"));
}

function readThread(item: XmlRecord, threads: Map<string, Thread>): SourceRecord | null {
  const dsqId = item.element.attributes["dsq:id"];
  const { line } = item.element;
  const record = at(`thread dsq:id=${JSON.stringify(dsqId ?? "")}`, line);
  const trouble = xmlTrouble(item, record);
  if (trouble) {
    if (dsqId) threads.set(dsqId, { skip: "no-thread", detail: say("admin.import.why.threadSkipped", { line }) });
    return trouble;
  }
  if (!dsqId) return null;
  const url = item.fields.get("link")?.trim() ?? "";
  if (bool(item.fields.get("isDeleted"))) {
    threads.set(dsqId, { skip: "thread-deleted", detail: say("admin.import.why.threadDeleted", { line }) });
    return null;
  }
  threads.set(dsqId, { url });
  return bool(item.fields.get("isClosed")) && url ? { kind: "thread", record, threadUrl: url, locked: true } : null;
}

function readPost(item: XmlRecord, threads: Map<string, Thread>): SourceComment | SourceSkip {
  const { element, fields, fieldAttributes } = item;
  // Remark42's own test export has a post without dsq:id; Remark42 then takes its <id>.
  const dsqId = element.attributes["dsq:id"];
  const id = dsqId ?? (fields.get("id")?.trim() || undefined);
  const record = at(`post ${dsqId === undefined && id ? "id" : "dsq:id"}=${JSON.stringify(id ?? "")}`, element.line);
  const trouble = xmlTrouble(item, record);
  if (trouble) return trouble;
  const authorName = fields.get("author/name")?.trim() || fields.get("author/username")?.trim() || "";
  const threadId = fieldAttributes.get("thread")?.["dsq:id"];
  const thread = threadId === undefined ? undefined : threads.get(threadId);
  if (!thread || "skip" in thread) {
    const detail = !threadId
      ? say("admin.import.why.noThreadNamed")
      : thread
        ? thread.detail
        : say("admin.import.why.threadUndefined", { thread: JSON.stringify(threadId) });
    return skipped(record, thread && "skip" in thread ? thread.skip : "no-thread", {
      field: "thread",
      detail,
      id,
      authorName,
    });
  }
  if (bool(fields.get("isSpam"))) return skipped(record, "spam", { id, authorName });
  const approved = fields.has("isApproved") ? bool(fields.get("isApproved")) : true;
  return {
    kind: "comment",
    record,
    id,
    parentId: fieldAttributes.get("parent")?.["dsq:id"] ?? null,
    threadUrl: thread.url,
    authorName,
    authorUrl: null,
    body: fields.get("message") ?? "",
    bodyFormat: "html",
    createdAt: fields.get("createdAt")?.trim(),
    state: bool(fields.get("isDeleted")) ? "deleted" : approved ? "published" : "pending",
  };
}
