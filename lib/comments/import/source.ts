import fs from "node:fs";
import sax from "sax";

export const IMPORT_FORMATS = ["disqus", "wordpress", "remark42", "isso"] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** A comment as the old system exported it, every field still untrusted (see validate.ts). */
export type SourceComment = {
  /** How to name the record in a refusal: "post dsq:id=42 (line 120)". */
  record: string;
  id: unknown;
  parentId: unknown;
  threadUrl: unknown;
  authorName: unknown;
  authorUrl: unknown;
  body: unknown;
  /** HTML bodies are converted; Isso and Remark42's `orig` are markdown already. */
  bodyFormat: "html" | "html-newlines" | "markdown";
  createdAt: unknown;
  state: "published" | "pending" | "spam" | "deleted" | "skip";
  /** With state "skip": why, for the report (a pingback is skipped without one, only counted). */
  skipReason?: string;
  pinned?: boolean;
};

/** A record the reader passes over, with the reason the report gives. */
export const skippedRecord = (record: string, skipReason: string): SourceComment => ({
  record,
  id: null,
  parentId: null,
  threadUrl: null,
  authorName: null,
  authorUrl: null,
  body: null,
  bodyFormat: "markdown",
  createdAt: null,
  state: "skip",
  skipReason,
});

/** A file that cannot be imported: names the record and the field. */
export class ImportFileError extends Error {
  constructor(
    readonly record: string,
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${record}: ${field}: ${reason}`);
  }
}

export type Progress = (done: number, total: number) => void;

const CHUNK = 64 * 1024;
// A single text field (a comment's body, a URL) larger than this is refused before it is held.
export const MAX_FIELD_CHARS = 200_000;

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
        "file",
        "encoding",
        `bytes near offset ${done - chunk.length} are not valid ${decoder.encoding}`,
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
  const declared = /^<\?xml[^>]*encoding=["']([A-Za-z0-9._-]{1,40})["']/.exec(
    head.subarray(0, 200).toString("latin1"),
  )?.[1];
  if (!declared) return "utf-8";
  try {
    return new TextDecoder(declared).encoding;
  } catch {
    throw new ImportFileError("file", "encoding", `the XML declaration names an unknown encoding (${declared})`);
  }
}

export type XmlElement = { name: string; attributes: Record<string, string>; line: number };
export type XmlRecord = {
  path: string[];
  element: XmlElement;
  fields: Map<string, string>;
  fieldAttributes: Map<string, Record<string, string>>;
  /** The fields read so far of the enclosing record (a WordPress comment's post). */
  outer?: Map<string, string>;
  /** Elements nested deeper than MAX_RECORD_DEPTH inside it: its fields are not read, it is skipped. */
  tooDeep?: boolean;
  /** The enclosing record had gone too deep before this one ended. */
  outerTooDeep?: boolean;
};

/** Levels of elements inside a record; a record nested deeper is reported and skipped. */
export const MAX_RECORD_DEPTH = 100;
export const TOO_DEEP = `holds elements nested more than ${MAX_RECORD_DEPTH} deep; skipped`;

/**
 * Streams an XML file through sax (strict) and yields each element `collect` accepts, with the
 * text of its children (only those named in the returned list, so a post's body is never held):
 * memory holds one record at a time. Collected elements may nest (WordPress comments in a post).
 *
 * Its cost grows with the file, whatever its shape: each element's key within its record is made
 * once from its parent's (the path is kept as a stack, never joined again), keys stop being made
 * below the deepest field asked for, and reading stops at the first error (sax would otherwise go
 * on through the chunk, walking its whole stack of open elements at every stray closing tag).
 */
export async function* streamXml(
  file: string,
  collect: (path: string[]) => readonly string[] | null,
  onProgress?: Progress,
): AsyncGenerator<XmlRecord> {
  const parser = sax.parser(true, { trim: false, position: true });
  const path: string[] = [];
  /** Each open element's key within the innermost record open when it opened; null: not a field. */
  const keys: Array<string | null> = [];
  type Open = XmlRecord & { depth: number; keep: readonly string[]; keyDepth: number };
  const open: Open[] = [];
  const ready: XmlRecord[] = [];
  let failure: Error | undefined;

  parser.onopentag = (tag) => {
    const attributes = tag.attributes as Record<string, string>;
    path.push(tag.name);
    const record = open.at(-1);
    const keep = collect(path);
    if (keep) {
      const element = { name: tag.name, attributes, line: parser.line + 1 };
      open.push({
        path: [...path],
        depth: path.length,
        keep,
        keyDepth: Math.max(0, ...keep.map((key) => key.split("/").length)),
        element,
        fields: new Map(),
        fieldAttributes: new Map(),
        outer: record?.fields,
      });
      keys.push("");
      return;
    }
    if (!record) {
      keys.push(null);
      return;
    }
    const level = path.length - record.depth;
    if (level > MAX_RECORD_DEPTH) record.tooDeep = true;
    const parentKey = keys.at(-1);
    const key =
      record.tooDeep || parentKey === null || parentKey === undefined || level > record.keyDepth
        ? null
        : parentKey === ""
          ? tag.name
          : `${parentKey}/${tag.name}`;
    keys.push(key);
    if (key !== null && record.keep.includes(key)) record.fieldAttributes.set(key, attributes);
  };
  const onText = (text: string) => {
    const record = open.at(-1);
    const key = keys.at(-1);
    if (!record || record.tooDeep || !key || !record.keep.includes(key)) return;
    const value = (record.fields.get(key) ?? "") + text;
    if (value.length > MAX_FIELD_CHARS) {
      failure ??= new ImportFileError(
        `<${record.element.name}> at line ${record.element.line}`,
        key,
        `longer than ${MAX_FIELD_CHARS.toLocaleString("en")} characters`,
      );
      return;
    }
    record.fields.set(key, value);
  };
  parser.ontext = onText;
  parser.oncdata = onText;
  parser.onclosetag = () => {
    if (open.length && path.length === open.at(-1)!.depth) {
      const { depth: _depth, keep: _keep, keyDepth: _keyDepth, ...record } = open.pop()!;
      if (record.tooDeep) {
        record.fields.clear();
        record.fieldAttributes.clear();
      }
      ready.push({ ...record, outerTooDeep: open.at(-1)?.tooDeep });
    }
    path.pop();
    keys.pop();
  };
  parser.onerror = (error) => {
    failure ??= new ImportFileError(
      `line ${parser.line + 1}`,
      "xml",
      `not well-formed XML (${error.message.split("\n")[0]})`,
    );
    throw failure;
  };

  const write = (text: string | null) => {
    try {
      if (text === null) parser.close();
      else parser.write(text);
    } catch (error) {
      if (failure) throw failure;
      throw error;
    }
    if (failure) throw failure;
  };
  for await (const text of readText(file, onProgress)) {
    write(text);
    yield* ready.splice(0);
  }
  write(null);
  yield* ready.splice(0);
}
