import { ImportFileError, skippedRecord, streamXml, TOO_DEEP, type Progress, type SourceComment } from "./source";

// The Disqus export (Admin > Moderation > Export): <thread dsq:id> elements with their <link>,
// then <post dsq:id> elements naming their <thread dsq:id> and <parent dsq:id>. See
// tests/fixtures/import/README.md for the sources of the format.

const THREAD_FIELDS = ["link"];
const POST_FIELDS = [
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

export async function* readDisqus(file: string, onProgress?: Progress): AsyncGenerator<SourceComment> {
  const threads = new Map<string, string>();
  /** Threads skipped for their nesting, by id: the line each starts on. */
  const skippedThreads = new Map<string, number>();
  const wanted = (path: string[]) =>
    path.length !== 2 || path[0] !== "disqus"
      ? null
      : path[1] === "thread"
        ? THREAD_FIELDS
        : path[1] === "post"
          ? POST_FIELDS
          : null;
  let sawRoot = false;
  for await (const { path, element, fields, fieldAttributes, tooDeep } of streamXml(file, wanted, onProgress)) {
    sawRoot = true;
    const dsqId = element.attributes["dsq:id"];
    if (path[1] === "thread") {
      if (tooDeep) {
        if (dsqId) skippedThreads.set(dsqId, element.line);
        yield skippedRecord(`thread dsq:id=${JSON.stringify(dsqId ?? "")} (line ${element.line})`, TOO_DEEP);
      } else if (dsqId) threads.set(dsqId, fields.get("link")?.trim() ?? "");
      continue;
    }
    const record = `post dsq:id=${JSON.stringify(dsqId ?? "")} (line ${element.line})`;
    if (tooDeep) {
      yield skippedRecord(record, TOO_DEEP);
      continue;
    }
    const threadId = fieldAttributes.get("thread")?.["dsq:id"];
    if (threadId !== undefined && skippedThreads.has(threadId)) {
      yield skippedRecord(record, `its thread (line ${skippedThreads.get(threadId)}) was skipped`);
      continue;
    }
    if (threadId === undefined || !threads.has(threadId)) {
      throw new ImportFileError(
        record,
        "thread",
        threadId ? `names thread ${JSON.stringify(threadId)}, which the file does not define before it` : "is missing",
      );
    }
    const spam = bool(fields.get("isSpam"));
    const deleted = bool(fields.get("isDeleted"));
    const approved = fields.has("isApproved") ? bool(fields.get("isApproved")) : true;
    yield {
      record,
      id: dsqId,
      parentId: fieldAttributes.get("parent")?.["dsq:id"] ?? null,
      threadUrl: threads.get(threadId),
      authorName: fields.get("author/name")?.trim() || fields.get("author/username")?.trim() || "",
      authorUrl: null,
      body: fields.get("message") ?? "",
      bodyFormat: "html",
      createdAt: fields.get("createdAt")?.trim(),
      state: deleted ? "deleted" : spam ? "spam" : approved ? "published" : "pending",
    };
  }
  if (!sawRoot)
    throw new ImportFileError(
      "file",
      "disqus",
      "no <thread> or <post> under a <disqus> root: is this a Disqus export?",
    );
}
