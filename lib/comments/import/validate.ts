import { createHash } from "node:crypto";
import { countLinks, mayHoldMoreLinks } from "../../content/comment-markdown";
import { BODY_MAX, LINKS_MAX, NAME_MAX } from "../limits";
import { htmlToMarkdown } from "./html-to-markdown";
import { ImportFileError, type ImportFormat, type SourceComment } from "./source";

// Every field of an imported comment is validated as a new comment's would be
// (lib/comments/validation.ts), with two differences an old discussion needs: an over-long body or
// one with too many links is kept but held for review, and a name may be empty ("Anonymous").

const CONTROL_IN_BODY = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;
const CONTROL_IN_NAME = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;
const ID = /^[\x21-\x7E]{1,200}$/;
/** Longer than this even as a held comment: refused, so one record cannot fill the database. */
export const IMPORT_BODY_HARD_MAX = 50_000;
const EARLIEST = Date.UTC(1990, 0, 1);

export type PreparedComment = {
  sourceId: string;
  id: string;
  parentSourceId: string | null;
  threadUrl: string;
  authorName: string;
  authorUrl: string | null;
  body: string;
  createdAt: Date;
  status: "published" | "pending" | "hidden";
  deleted: boolean;
  pinned: boolean;
  flags: string[];
};

/** Marginalia's id for a comment of the old system: the same every time the file is imported. */
export function stableId(format: ImportFormat, sourceId: string): string {
  return `${format}-${createHash("sha256").update(sourceId).digest("hex").slice(0, 24)}`;
}

const length = (value: string) => [...value].length;

// Parsing markdown costs a few milliseconds, which a 100,000-comment import feels: a body that
// cannot hold more than LINKS_MAX links, nor nest deeply, is not parsed (lib/content/comment-markdown.ts).

export function prepareComment(format: ImportFormat, source: SourceComment, now: Date): PreparedComment {
  const fail = (field: string, reason: string): never => {
    throw new ImportFileError(source.record, field, reason);
  };
  const id = typeof source.id === "string" ? source.id.trim() : fail("id", "is missing");
  if (!ID.test(id)) fail("id", "must be 1 to 200 visible ASCII characters");
  let parentSourceId: string | null = null;
  if (source.parentId !== null && source.parentId !== undefined && source.parentId !== "") {
    if (typeof source.parentId !== "string" || !ID.test(source.parentId.trim()))
      fail("parent", "must be 1 to 200 visible ASCII characters");
    parentSourceId = (source.parentId as string).trim();
    if (parentSourceId === id) fail("parent", "names the comment itself");
  }
  const threadUrl = typeof source.threadUrl === "string" ? source.threadUrl.trim() : "";
  if (threadUrl === "" || threadUrl.length > 2000)
    fail("thread url", threadUrl ? "longer than 2,000 characters" : "is missing");

  const rawName = typeof source.authorName === "string" ? source.authorName : fail("author", "must be text");
  const name = rawName.replace(CONTROL_IN_NAME, " ").replace(/\s+/g, " ").trim() || "Anonymous";
  if (length(name) > NAME_MAX) fail("author", `longer than ${NAME_MAX} characters`);

  let authorUrl: string | null = null;
  if (typeof source.authorUrl === "string" && source.authorUrl.trim() !== "" && source.authorUrl.trim() !== "http://") {
    const raw = source.authorUrl.trim();
    let url: URL | null = null;
    try {
      url = new URL(raw);
    } catch {
      url = null;
    }
    if (!url || !/^https?:$/.test(url.protocol) || raw.length > 500)
      fail("author url", "must be an http(s) address of at most 500 characters");
    authorUrl = url!.href;
  }

  const created = typeof source.createdAt === "string" ? Date.parse(source.createdAt) : Number.NaN;
  if (Number.isNaN(created))
    fail("date", `is not a date: ${JSON.stringify(String(source.createdAt ?? "").slice(0, 40))}`);
  if (created < EARLIEST || created > now.getTime() + 86_400_000) fail("date", "is before 1990 or in the future");

  const deleted = source.state === "deleted";
  const flags: string[] = [];
  let body = "";
  if (!deleted) {
    const raw = typeof source.body === "string" ? source.body : fail("body", "must be text");
    const markdown =
      source.bodyFormat === "markdown"
        ? raw
        : htmlToMarkdown(raw, { newlines: source.bodyFormat === "html-newlines" ? "keep" : "collapse" });
    body = markdown.replace(/\r\n?/g, "\n").replace(CONTROL_IN_BODY, "").trim();
    if (body === "") fail("body", "is empty");
    if (length(body) > IMPORT_BODY_HARD_MAX)
      fail("body", `longer than ${IMPORT_BODY_HARD_MAX.toLocaleString("en")} characters`);
    const links = mayHoldMoreLinks(body, LINKS_MAX) ? countLinks(body) : 0;
    if (links === Number.POSITIVE_INFINITY) fail("body", "nests quotes or lists too deeply");
    if (length(body) > BODY_MAX) flags.push(`Imported: longer than ${BODY_MAX.toLocaleString("en")} characters`);
    if (links > LINKS_MAX) flags.push(`Imported: more than ${LINKS_MAX} links`);
  }
  if (source.state === "spam") flags.push(`Imported: marked as spam in ${format}`);
  const status =
    source.state === "spam" ? "hidden" : source.state === "pending" || flags.length > 0 ? "pending" : "published";
  return {
    sourceId: id,
    id: stableId(format, id),
    parentSourceId,
    threadUrl,
    authorName: deleted ? "" : name,
    authorUrl: deleted ? null : authorUrl,
    body,
    createdAt: new Date(created),
    status,
    deleted,
    pinned: source.pinned === true,
    flags,
  };
}
