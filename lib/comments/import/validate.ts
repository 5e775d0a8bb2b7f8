import { createHash } from "node:crypto";
import { countLinks, mayHoldMoreLinks } from "../../content/comment-markdown";
import { flagLine } from "../flags";
import { BODY_MAX, LINKS_MAX, NAME_MAX } from "../limits";
import { htmlToMarkdown } from "./html-to-markdown";
import { say, type ImportMessage } from "./message";
import { ImportFileError, type ImportFormat, type SourceComment } from "./source";

// Every field of an imported comment is validated as a new comment's would be
// (lib/comments/validation.ts), with the differences an old discussion needs: an over-long body or
// one with too many links is kept but held for review, a name may be empty ("Anonymous"), and
// (unless --strict) an author's site that is not http(s) is left out rather than losing the
// comment. The cheap checks (checkComment) come first: a comment already imported is not
// converted again (prepareBody).

const CONTROL_IN_BODY = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;
const CONTROL_IN_NAME = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;
const ID = /^[\x21-\x7E]{1,200}$/;
/** Longer than this even as a held comment: refused, so one record cannot fill the database. */
export const IMPORT_BODY_HARD_MAX = 50_000;
const EARLIEST_YEAR = 1990;
const EARLIEST = Date.UTC(EARLIEST_YEAR, 0, 1);
const SITE_MAX = 500;
const THREAD_URL_MAX = 2000;

export type CheckedComment = {
  sourceId: string;
  id: string;
  parentSourceId: string | null;
  threadUrl: string;
  authorName: string;
  authorUrl: string | null;
  createdAt: Date;
  deleted: boolean;
  pinned: boolean;
  /** A field left out, for the report: the comment is imported without it. */
  dropped: { field: string; reason: ImportMessage } | null;
};

export type PreparedBody = { body: string; status: "published" | "pending"; flags: string[] };

/** Marginalia's id for a comment of the old system: the same every time the file is imported. */
export function stableId(format: ImportFormat, sourceId: string): string {
  return `${format}-${createHash("sha256").update(sourceId).digest("hex").slice(0, 24)}`;
}

const length = (value: string) => [...value].length;

/** The fields but the body, or an ImportFileError naming the first bad one. */
export function checkComment(format: ImportFormat, source: SourceComment, now: Date, strict = false): CheckedComment {
  const fail = (field: string, reason: ImportMessage): never => {
    throw new ImportFileError(source.record, field, reason);
  };
  const idChars = say("admin.import.why.idChars", { max: 200 });
  const id = typeof source.id === "string" ? source.id.trim() : fail("id", say("admin.import.why.missing"));
  if (!ID.test(id)) fail("id", idChars);
  let parentSourceId: string | null = null;
  if (source.parentId !== null && source.parentId !== undefined && source.parentId !== "") {
    if (typeof source.parentId !== "string" || !ID.test(source.parentId.trim())) fail("parent", idChars);
    parentSourceId = (source.parentId as string).trim();
    if (parentSourceId === id) fail("parent", say("admin.import.why.ownParent"));
  }
  const threadUrl = typeof source.threadUrl === "string" ? source.threadUrl.trim() : "";
  if (threadUrl === "" || threadUrl.length > THREAD_URL_MAX)
    fail(
      "threadUrl",
      threadUrl ? say("admin.import.why.tooLong", { max: THREAD_URL_MAX }) : say("admin.import.why.missing"),
    );

  const rawName =
    typeof source.authorName === "string" ? source.authorName : fail("author", say("admin.import.why.notText"));
  const name = rawName.replace(CONTROL_IN_NAME, " ").replace(/\s+/g, " ").trim() || "Anonymous";
  if (length(name) > NAME_MAX) fail("author", say("admin.import.why.tooLong", { max: NAME_MAX }));

  const site = authorSite(source.authorUrl);
  if (site.error && strict) fail("authorUrl", say("admin.import.why.badSite", { max: SITE_MAX }));

  const created = typeof source.createdAt === "string" ? Date.parse(source.createdAt) : Number.NaN;
  if (Number.isNaN(created))
    fail(
      "date",
      say("admin.import.why.notDate", { value: JSON.stringify(String(source.createdAt ?? "").slice(0, 40)) }),
    );
  if (created < EARLIEST || created > now.getTime() + 86_400_000)
    fail("date", say("admin.import.why.dateRange", { year: EARLIEST_YEAR }));

  const deleted = source.state === "deleted";
  return {
    sourceId: id,
    id: stableId(format, id),
    parentSourceId,
    threadUrl,
    authorName: deleted ? "" : name,
    authorUrl: deleted ? null : site.url,
    createdAt: new Date(created),
    deleted,
    pinned: source.pinned === true,
    dropped:
      site.error && !deleted
        ? { field: "authorUrl", reason: say("admin.import.why.siteDropped", { max: SITE_MAX }) }
        : null,
  };
}

/** An author's site: http(s) only, as today's comments keep it. */
function authorSite(value: unknown): { url: string | null; error?: true } {
  if (typeof value !== "string" || value.trim() === "" || value.trim() === "http://") return { url: null };
  const raw = value.trim();
  let url: URL | null = null;
  try {
    url = new URL(raw);
  } catch {
    url = null;
  }
  if (!url || !/^https?:$/.test(url.protocol) || raw.length > SITE_MAX) return { url: null, error: true };
  return { url: url.href };
}

// Parsing markdown costs a few milliseconds, which a 100,000-comment import feels: a body that
// cannot hold more than LINKS_MAX links, nor nest deeply, is not parsed (lib/content/comment-markdown.ts).

/** The body as markdown, with what holds it for review; an ImportFileError when it cannot be kept. */
export function prepareBody(source: SourceComment, deleted: boolean): PreparedBody {
  const pending = source.state === "pending";
  if (deleted) return { body: "", status: pending ? "pending" : "published", flags: [] };
  const fail = (reason: ImportMessage): never => {
    throw new ImportFileError(source.record, "body", reason);
  };
  const raw = typeof source.body === "string" ? source.body : fail(say("admin.import.why.notText"));
  const markdown =
    source.bodyFormat === "markdown"
      ? raw
      : htmlToMarkdown(raw, { newlines: source.bodyFormat === "html-newlines" ? "keep" : "collapse" });
  const body = markdown.replace(/\r\n?/g, "\n").replace(CONTROL_IN_BODY, "").trim();
  if (body === "") fail(say("admin.import.why.empty"));
  if (length(body) > IMPORT_BODY_HARD_MAX) fail(say("admin.import.why.tooLong", { max: IMPORT_BODY_HARD_MAX }));
  const links = mayHoldMoreLinks(body, LINKS_MAX) ? countLinks(body) : 0;
  if (links === Number.POSITIVE_INFINITY) fail(say("admin.import.why.tooNested"));
  const flags: string[] = [];
  // Codes, put into words when the moderation queue shows them (lib/comments/flags.ts).
  if (length(body) > BODY_MAX) flags.push(flagLine("imported-long", { max: BODY_MAX }));
  if (links > LINKS_MAX) flags.push(flagLine("imported-links", { max: LINKS_MAX }));
  return { body, status: pending || flags.length > 0 ? "pending" : "published", flags };
}
