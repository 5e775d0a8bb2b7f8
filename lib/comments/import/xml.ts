import sax from "sax";
import { onLine, say, type Said } from "./message";
import {
  ImportFileError,
  MAX_FIELD_CHARS,
  MAX_RECORD_DEPTH,
  readText,
  skipped,
  TOO_DEEP,
  type Progress,
  type SourceSkip,
} from "./source";

// The XML exports (Disqus, WordPress) streamed through sax in strict mode, one record at a time.
// Real exports are not always well-formed (Remark42's own test export has an unquoted attribute
// and a stray character before the declaration), so an error inside a record marks that record
// broken and reading goes on; the reader skips it, naming the line. An error outside any record
// is passed on as a problem. Only a file that ends inside an open element (cut short) or holds
// more than MAX_XML_ERRORS errors is refused whole.

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
  /** The first XML error inside it (line 12, "Unquoted attribute value"): it is skipped. */
  broken?: { line: number; error: string };
  /** A field longer than MAX_FIELD_CHARS, which is not held: it is skipped. */
  tooLong?: string;
};
/** An XML error outside any record: reported, and reading goes on. */
export type XmlProblem = { problem: string; line: number };

/** Errors read past before the file is refused: a stray closing tag under deep nesting costs one per level. */
export const MAX_XML_ERRORS = 100;

type Collect = (path: string[]) => readonly string[] | null;
type Open = XmlRecord & { depth: number; keep: readonly string[]; keyDepth: number };

/**
 * Yields each element `collect` accepts, with the text of its children (only those named in the
 * returned list, so a post's body is never held): memory holds one record at a time. Collected
 * elements may nest (WordPress comments in a post).
 *
 * Its cost grows with the file, whatever its shape: each element's key within its record is made
 * once from its parent's (the path is kept as a stack, never joined again), keys stop being made
 * below the deepest field asked for, and errors are bounded (sax walks its whole stack of open
 * elements at every stray closing tag, raising an error per level).
 */
export async function* streamXml(
  file: string,
  collect: Collect,
  onProgress?: Progress,
): AsyncGenerator<XmlRecord | XmlProblem> {
  const records = new RecordParser(collect);
  for await (const text of readText(file, onProgress)) {
    records.write(text);
    yield* records.take();
  }
  records.write(null);
  yield* records.take();
}

class RecordParser {
  private readonly parser = sax.parser(true, { trim: false, position: true });
  private readonly path: string[] = [];
  /** Each open element's key within the innermost record open when it opened; null: not a field. */
  private readonly keys: Array<string | null> = [];
  private readonly open: Open[] = [];
  private ready: Array<XmlRecord | XmlProblem> = [];
  private failure: ImportFileError | undefined;
  private errors = 0;
  private closing = false;

  constructor(private readonly collect: Collect) {
    this.parser.onopentag = (tag) => this.openTag(tag.name, tag.attributes as Record<string, string>);
    this.parser.ontext = (text) => this.text(text);
    this.parser.oncdata = (text) => this.text(text);
    this.parser.onclosetag = () => this.closeTag();
    this.parser.onerror = (error) => this.error(error);
  }

  take(): Array<XmlRecord | XmlProblem> {
    const ready = this.ready;
    this.ready = [];
    return ready;
  }

  write(text: string | null): void {
    this.closing = text === null;
    try {
      if (text === null) this.parser.close();
      else this.parser.write(text);
    } catch (error) {
      throw this.failure ?? error;
    }
    if (this.failure) throw this.failure;
  }

  private openTag(name: string, attributes: Record<string, string>): void {
    this.path.push(name);
    const record = this.open.at(-1);
    const keep = this.collect(this.path);
    if (keep) {
      this.open.push({
        path: [...this.path],
        depth: this.path.length,
        keep,
        keyDepth: Math.max(0, ...keep.map((key) => key.split("/").length)),
        element: { name, attributes, line: this.parser.line + 1 },
        fields: new Map(),
        fieldAttributes: new Map(),
        outer: record?.fields,
      });
      this.keys.push("");
      return;
    }
    if (!record) {
      this.keys.push(null);
      return;
    }
    const level = this.path.length - record.depth;
    if (level > MAX_RECORD_DEPTH) record.tooDeep = true;
    const parentKey = this.keys.at(-1);
    const key =
      record.tooDeep || parentKey === null || parentKey === undefined || level > record.keyDepth
        ? null
        : parentKey === ""
          ? name
          : `${parentKey}/${name}`;
    this.keys.push(key);
    if (key !== null && record.keep.includes(key)) record.fieldAttributes.set(key, attributes);
  }

  private text(text: string): void {
    const record = this.open.at(-1);
    const key = this.keys.at(-1);
    if (!record || record.tooDeep || record.tooLong === key || !key || !record.keep.includes(key)) return;
    const value = (record.fields.get(key) ?? "") + text;
    if (value.length > MAX_FIELD_CHARS) {
      record.tooLong = key;
      record.fields.delete(key);
      return;
    }
    record.fields.set(key, value);
  }

  private closeTag(): void {
    if (this.open.length && this.path.length === this.open.at(-1)!.depth) {
      const { depth: _depth, keep: _keep, keyDepth: _keyDepth, ...record } = this.open.pop()!;
      if (record.tooDeep) {
        record.fields.clear();
        record.fieldAttributes.clear();
      }
      this.ready.push({ ...record, outerTooDeep: this.open.at(-1)?.tooDeep });
    }
    this.path.pop();
    this.keys.pop();
  }

  private error(error: Error): void {
    const message = error.message.split("\n")[0];
    const line = this.parser.line + 1;
    if (this.closing || ++this.errors > MAX_XML_ERRORS) {
      const why = this.closing
        ? say("admin.import.why.xmlCut", { element: this.path.at(-1) ?? "?" })
        : say("admin.import.why.xmlErrors", { max: MAX_XML_ERRORS });
      this.failure ??= new ImportFileError(
        onLine(line),
        "xml",
        say("admin.import.why.xmlStop", { error: message, why }),
      );
      throw this.failure;
    }
    const record = this.open.at(-1);
    if (record) record.broken ??= { line, error: message };
    else this.ready.push({ problem: message, line });
    this.parser.resume();
  }
}

export const isProblem = (item: XmlRecord | XmlProblem): item is XmlProblem => "problem" in item;

/** Why a record cannot be read (nested too deep, not well-formed, a field too long), or null. */
export function xmlTrouble(item: XmlRecord, record: Said): SourceSkip | null {
  if (item.tooDeep) return skipped(record, "too-deep", { detail: TOO_DEEP });
  if (item.broken) return skipped(record, "xml", { detail: say("admin.import.why.xmlSkipped", item.broken) });
  if (item.tooLong)
    return skipped(record, "invalid", {
      field: item.tooLong,
      detail: say("admin.import.why.tooLong", { max: MAX_FIELD_CHARS }),
    });
  return null;
}

/** An XML error outside any record, as the report lists it. */
export const problemRecord = (item: XmlProblem): SourceSkip =>
  skipped(onLine(item.line), "xml", {
    detail: say("admin.import.why.xmlReadPast", { error: item.problem }),
    outside: true,
  });
