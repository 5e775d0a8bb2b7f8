import fs from "node:fs";
import { translator } from "../../i18n/translate";
import { describe, say, WHOLE_FILE, type ImportMessage, type Said } from "./message";

// What every reader yields and the file reading they share. A reader turns one system's export
// into a stream of records, every field still untrusted: comments (checked by validate.ts), the
// discussions it knew were closed, the people it had blocked. The XML readers' parser is xml.ts.

export const IMPORT_FORMATS = ["disqus", "wordpress", "remark42", "isso"] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/**
 * Why a record is not imported, as the report counts them. The filters (a pingback, spam, a
 * deleted comment) are what the old system itself never showed; the rest are records that
 * cannot be placed or read, which `--strict` turns into a refusal of the whole file.
 */
export const SKIP_REASONS = {
  ping: "pingbacks and trackbacks (notices from other sites)",
  note: "WordPress editorial notes (private remarks on a post's blocks)",
  type: "other WordPress comment types (not readers' comments)",
  spam: "spam in the old system",
  deleted: "deleted in the old system, with no replies to keep",
  "thread-deleted": "on a discussion deleted in the old system",
  "no-article": "on a page that matches no article (see --map)",
  "no-thread": "naming a discussion the file does not hold",
  invalid: "a field that cannot be read",
  duplicate: "an id that appears twice",
  xml: "not well-formed XML",
  "too-deep": "nested too deep to read",
  cycle: "replies whose parents form a cycle",
  "ban-no-name": "blocked users with no comment in the file (no name to ban)",
} as const;
export type SkipReason = keyof typeof SKIP_REASONS;
/** Reasons that are the old system's own choices, never a problem with the file. */
export const FILTERS: ReadonlySet<SkipReason> = new Set([
  "ping",
  "note",
  "type",
  "spam",
  "deleted",
  "thread-deleted",
  "no-article",
]);

/** A comment as the old system exported it (see validate.ts). */
export type SourceComment = {
  kind: "comment";
  /** How to name the record in the report: "post dsq:id=42 (line 120)". */
  record: Said;
  id: unknown;
  parentId: unknown;
  threadUrl: unknown;
  /** WordPress's post_name: the article with this slug, when no map nor the URL names one. */
  slug?: string;
  authorName: unknown;
  authorUrl: unknown;
  body: unknown;
  /** How the body is written: converted to markdown unless it is markdown already. */
  bodyFormat: "html" | "html-newlines" | "markdown";
  createdAt: unknown;
  state: "published" | "pending" | "deleted";
  pinned?: boolean;
};

/** A record the reader passes over: why, and for a reply to it, its id and its author's name. */
export type SourceSkip = {
  kind: "skip";
  record: Said;
  reason: SkipReason;
  /** What the report says beyond the reason: the field and what is wrong with it. */
  field?: string;
  detail?: ImportMessage;
  id?: string;
  authorName?: string;
  /** Not a comment (an XML error between records, a blocked user): not counted as read. */
  outside?: boolean;
};

/** A discussion the old system had closed to new comments: locked here. */
export type SourceThread = { kind: "thread"; record: Said; threadUrl: string; slug?: string; locked: boolean };

/** Someone the old system had blocked: banned here by name, until `until` (null: no end). */
export type SourceBan = { kind: "ban"; record: Said; name: string; until: Date | null; note: ImportMessage };

export type SourceRecord = SourceComment | SourceSkip | SourceThread | SourceBan;

export const skipped = (
  record: Said,
  reason: SkipReason,
  more: Omit<SourceSkip, "kind" | "record" | "reason"> = {},
): SourceSkip => ({ kind: "skip", record, reason, ...more });

/**
 * A file that cannot be imported, or (with --strict) a record that refuses it: names the record
 * and the field. Its message is English (logs, the tests); the report says it in the site's language.
 */
export class ImportFileError extends Error {
  constructor(
    readonly record: Said,
    readonly field: string,
    readonly reason: ImportMessage,
  ) {
    super();
  }

  // Put into words only when read: an import may throw one per invalid record, and shows none.
  override get message(): string {
    return describe(translator("en"), this);
  }
}

export type Progress = (done: number, total: number) => void;
export type Reader = (file: string, onProgress?: Progress) => AsyncGenerator<SourceRecord>;

const CHUNK = 64 * 1024;
// A single text field (a comment's body, a URL) larger than this skips its record, unheld.
export const MAX_FIELD_CHARS = 200_000;
/** Levels of elements inside an XML record; a record nested deeper is reported and skipped. */
export const MAX_RECORD_DEPTH = 100;
export const TOO_DEEP = say("admin.import.why.tooDeep", { max: MAX_RECORD_DEPTH });

/**
 * The file's text in chunks, decoded by its byte-order mark or XML declaration (old WordPress
 * blogs export ISO-8859-1); bytes that are not valid in that encoding refuse the file.
 */
export async function* readText(file: string, onProgress?: Progress): AsyncGenerator<string> {
  const total = fs.statSync(file).size;
  const stream = fs.createReadStream(file, { highWaterMark: CHUNK });
  let decoder: TextDecoder | undefined;
  let done = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    if (!decoder) decoder = new TextDecoder(encodingOf(chunk), { fatal: true });
    done += chunk.length;
    let text: string;
    try {
      text = decoder.decode(chunk, { stream: true });
    } catch {
      throw new ImportFileError(
        WHOLE_FILE,
        "encoding",
        say("admin.import.why.badBytes", { offset: done - chunk.length, encoding: decoder.encoding }),
      );
    }
    onProgress?.(done, total);
    yield text;
  }
  if (decoder) yield decoder.decode();
}

function encodingOf(head: Buffer): string {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return "utf-8";
  if (head[0] === 0xff && head[1] === 0xfe) return "utf-16le";
  if (head[0] === 0xfe && head[1] === 0xff) return "utf-16be";
  // Anywhere in the first bytes: Remark42's test export has a stray character before it.
  const declared = /<\?xml[^>]*encoding=["']([A-Za-z0-9._-]{1,40})["']/.exec(
    head.subarray(0, 200).toString("latin1"),
  )?.[1];
  if (!declared) return "utf-8";
  try {
    return new TextDecoder(declared).encoding;
  } catch {
    throw new ImportFileError(WHOLE_FILE, "encoding", say("admin.import.why.unknownEncoding", { encoding: declared }));
  }
}
