import type { Db } from "../../server/db";
import { readDisqus } from "./disqus";
import { readIsso } from "./isso";
import { matchArticle, type PathMap } from "./paths";
import { readRemark42 } from "./remark42";
import {
  FILTERS,
  ImportFileError,
  type ImportFormat,
  type Progress,
  type Reader,
  type SkipReason,
  type SourceComment,
  type SourceRecord,
  type SourceSkip,
} from "./source";
import { say, type ImportMessage, type Said } from "./message";
import { ImportTree, type Entry, type Placed } from "./tree";
import { checkComment, prepareBody } from "./validate";
import { readWordpress } from "./wordpress";
import { BATCH, RowWriter, type CommentStore } from "./writer";

// One import of another system's export, streamed from the file to the database in one pass:
// each record is read, checked, placed (tree.ts) and written in batches (writer.ts), all in one
// transaction. What cannot be placed or read is reported and skipped, the rest imported; with
// `strict`, any such record refuses the whole file and nothing is written. Comments stored by
// an earlier import of the same file are recognized by their stable ids and left as they are.

const READERS: Record<ImportFormat, Reader> = {
  disqus: readDisqus,
  wordpress: readWordpress,
  remark42: readRemark42,
  isso: readIsso,
};

/** Records listed by name in a report; the rest are counted. */
const MAX_LISTED = 50;

export type ImportOptions = {
  format: ImportFormat;
  file: string;
  /** The articles' slugs, which threads are matched to. */
  slugs: ReadonlySet<string>;
  maps?: readonly PathMap[];
  dryRun?: boolean;
  /** Refuse the whole file if any record cannot be placed or read (all the importers did before issue 26). */
  strict?: boolean;
  onProgress?: (phase: ImportCounts["phase"], done: number, total: number) => void;
  /**
   * After each record, with the counts so far. A job inside the web server yields to other
   * requests here (lib/comments/import-jobs.ts); the CLI passes none.
   */
  afterRecord?: (counts: ImportCounts) => Promise<void> | void;
  now?: Date;
};

/** How far an import has come: a dry run only checks; records read, stored, skipped. */
export type ImportCounts = { phase: "checking" | "importing"; read: number; imported: number; skipped: number };

/** A record named in the report: where it is, the field, why (plain strings in older reports). */
export type Listed = { record: Said; field?: string; reason: Said };

export type ImportReport = {
  format: ImportFormat;
  dryRun: boolean;
  strict: boolean;
  /** Comments read from the file, skipped ones included. */
  read: number;
  /** Comments stored (or, in a dry run, to be stored) per article, those already there included. */
  perArticle: Record<string, number>;
  /** Of those, how many wait for approval (pending in the old system, or held for review). */
  pending: number;
  /** Held for review: over-long, or too many links. */
  flagged: number;
  /** Replies whose parent is not imported, kept as comments of their own. */
  orphans: number;
  /** Deleted comments kept as the place of their replies. */
  placeholders: number;
  /** Thread URLs that matched no article, with how many comments each holds (skipped). */
  unmatched: Record<string, number>;
  /** Records not imported, by reason (SKIP_REASONS). */
  skippedBy: Partial<Record<SkipReason, number>>;
  skippedCount: number;
  /** The skipped records that are a problem with the file (not the old system's filters), by name. */
  skipped: Listed[];
  /** Comments imported with a change: standing alone, or without their author's site. */
  kept: Listed[];
  keptCount: number;
  /** What refused the file (with `strict`, or one that cannot be read); nothing was written. */
  refused: Listed[];
  refusedCount: number;
  /** Articles whose discussion the old system had closed: locked. */
  locked: string[];
  /** People the old system had blocked: banned by name (`until` ISO, null: no end). */
  bans: Array<{ name: string; until: string | null; note: Said }>;
  /** Comments written by this run (to be written, in a dry run). */
  added: number;
  /** Comments an earlier import of the file stored already. */
  alreadyThere: number;
};

export function emptyReport(options: Pick<ImportOptions, "format" | "dryRun" | "strict">): ImportReport {
  return {
    format: options.format,
    dryRun: options.dryRun ?? false,
    strict: options.strict ?? false,
    read: 0,
    perArticle: {},
    pending: 0,
    flagged: 0,
    orphans: 0,
    placeholders: 0,
    unmatched: {},
    skippedBy: {},
    skippedCount: 0,
    skipped: [],
    kept: [],
    keptCount: 0,
    refused: [],
    refusedCount: 0,
    locked: [],
    bans: [],
    added: 0,
    alreadyThere: 0,
  };
}

/** Thrown inside the transaction to roll it back when the file is refused. */
class Refused extends Error {}

/** Imports one export file; see the top of this file. */
export async function importFile(options: ImportOptions, db: Db): Promise<ImportReport> {
  const report = emptyReport(options);
  const run = (store: CommentStore, write: boolean) => new ImportRun(options, report, store, write).run();
  try {
    if (report.dryRun) await run(db, false);
    else
      await db.$transaction(
        async (tx) => {
          await run(tx, true);
          if (report.refusedCount > 0) throw new Refused();
        },
        { timeout: 60 * 60_000, maxWait: 10_000 },
      );
  } catch (error) {
    if (error instanceof ImportFileError) listIn(report.refused, error, ++report.refusedCount);
    else if (!(error instanceof Refused)) throw error;
    if (!report.dryRun) report.added = 0;
  }
  return report;
}

const listIn = (list: Listed[], error: ImportFileError, count: number) => {
  if (count <= MAX_LISTED) list.push({ record: error.record, field: error.field, reason: error.reason });
};

/** An entry read but not yet looked up, or a skipped record's id, in file order. */
type Pending = { entry: Entry } | { gone: string; name: string };

class ImportRun {
  private readonly tree = new ImportTree();
  private readonly writer: RowWriter;
  private readonly now: Date;
  private pending: Pending[] = [];
  private readonly locked = new Set<string>();
  /** Ids of records refused with --strict: their replies are not refused again. */
  private readonly refusedIds = new Set<string>();

  constructor(
    private readonly options: ImportOptions,
    private readonly report: ImportReport,
    store: CommentStore,
    write: boolean,
  ) {
    this.now = options.now ?? new Date();
    this.writer = new RowWriter(store, write, this.now);
  }

  async run(): Promise<void> {
    const { options, report } = this;
    const phase = report.dryRun ? "checking" : "importing";
    const progress: Progress | undefined = options.onProgress
      ? (done, total) => options.onProgress!(phase, done, total)
      : undefined;
    for await (const record of READERS[options.format](options.file, progress)) {
      await this.take(record);
      await options.afterRecord?.({
        phase,
        read: report.read,
        imported: report.added + report.alreadyThere,
        skipped: report.skippedCount,
      });
    }
    await this.drain();
    const { placed, deletedAlone } = this.tree.finish();
    await this.store(placed);
    this.count("deleted", deletedAlone);
    await this.writer.flush();
    report.locked = [...this.locked].sort();
  }

  private async take(record: SourceRecord): Promise<void> {
    switch (record.kind) {
      case "comment":
        this.report.read++;
        return this.comment(record);
      case "skip":
        if (!record.outside) this.report.read++;
        this.skip(record);
        if (record.id !== undefined) this.pending.push({ gone: record.id, name: record.authorName ?? "" });
        return;
      case "thread": {
        const slug = matchArticle(record.threadUrl, this.options.slugs, this.options.maps ?? [], record.slug);
        if (slug && record.locked) this.locked.add(slug);
        return;
      }
      case "ban": {
        // A block that has ended is kept without end, as Remark42 restores its own backup.
        const ended = record.until !== null && record.until <= this.now;
        const note = ended
          ? say("admin.import.why.banEnded", { note: record.note, date: record.until!.toISOString().slice(0, 10) })
          : record.note;
        this.report.bans.push({ name: record.name, until: ended ? null : (record.until?.toISOString() ?? null), note });
      }
    }
  }

  private async comment(source: SourceComment): Promise<void> {
    const { options } = this;
    let checked;
    try {
      checked = checkComment(options.format, source, this.now, options.strict);
    } catch (error) {
      if (!(error instanceof ImportFileError)) throw error;
      const id = typeof source.id === "string" ? source.id.trim() : undefined;
      const authorName = typeof source.authorName === "string" ? source.authorName : "";
      this.skip({
        kind: "skip",
        record: source.record,
        reason: "invalid",
        field: error.field,
        detail: error.reason,
        id,
      });
      if (id) this.pending.push({ gone: id, name: authorName });
      return;
    }
    if (checked.dropped) this.keep(source.record, checked.dropped.field, checked.dropped.reason);
    const slug = matchArticle(checked.threadUrl, options.slugs, options.maps ?? [], source.slug);
    if (!slug) {
      this.report.unmatched[checked.threadUrl] = (this.report.unmatched[checked.threadUrl] ?? 0) + 1;
      this.count("no-article");
      this.pending.push({ gone: checked.sourceId, name: checked.authorName });
      return;
    }
    this.pending.push({ entry: { source, checked, slug, body: null } });
    if (this.pending.length >= BATCH) await this.drain();
  }

  /** The comments read so far: looked up in one query, converted unless stored, placed, written. */
  private async drain(): Promise<void> {
    const pending = this.pending;
    this.pending = [];
    const ids = pending.flatMap((item) => ("entry" in item ? [item.entry.checked.id] : []));
    const stored = ids.length ? await this.writer.stored(ids) : new Map();
    for (const item of pending) {
      if ("gone" in item) {
        await this.store(this.tree.gone(item.gone, item.name));
        continue;
      }
      const { entry } = item;
      if (this.tree.has(entry.checked.sourceId)) {
        this.skip({
          kind: "skip",
          record: entry.source.record,
          reason: "duplicate",
          field: "id",
          detail: say("admin.import.why.twice"),
        });
        continue;
      }
      entry.stored = stored.get(entry.checked.id);
      // Where an earlier import put it (another map then may have named another article).
      if (entry.stored) entry.slug = entry.stored.articleSlug;
      const kept = entry.stored !== undefined || this.prepare(entry);
      await this.store(kept ? this.tree.add(entry) : this.tree.gone(entry.checked.sourceId, entry.checked.authorName));
    }
  }

  /** Converts a new comment's body; false (reported) when it cannot be kept. */
  private prepare(entry: Entry): boolean {
    try {
      entry.body = prepareBody(entry.source, entry.checked.deleted);
      return true;
    } catch (error) {
      if (!(error instanceof ImportFileError)) throw error;
      const id = entry.checked.sourceId;
      this.skip({
        kind: "skip",
        record: error.record,
        reason: "invalid",
        field: error.field,
        detail: error.reason,
        id,
      });
      return false;
    }
  }

  private async store(placed: Placed[]): Promise<void> {
    const { report } = this;
    for (const item of placed) {
      const { entry, orphan } = item;
      report.perArticle[entry.slug] = (report.perArticle[entry.slug] ?? 0) + 1;
      if (entry.checked.deleted) report.placeholders++;
      if (orphan) {
        report.orphans++;
        // With --strict, the refusal of its parent says it already.
        const parent = entry.checked.parentSourceId;
        if (!(this.options.strict && parent !== null && this.refusedIds.has(parent)))
          this.keep(entry.source.record, "parent", say("admin.import.why.keptAlone", { why: orphan }));
      }
      if (entry.stored) {
        report.alreadyThere++;
        if (entry.stored.status === "pending") report.pending++;
        continue;
      }
      report.added++;
      if (entry.body!.status === "pending" && !entry.checked.deleted) report.pending++;
      if (entry.body!.flags.length) report.flagged++;
      await this.writer.add(item);
    }
  }

  private count(reason: SkipReason, by = 1): void {
    if (by === 0) return;
    this.report.skippedBy[reason] = (this.report.skippedBy[reason] ?? 0) + by;
    this.report.skippedCount += by;
  }

  /** A record not imported: counted, and named unless the old system itself never showed it. */
  private skip(record: SourceSkip): void {
    // An XML error between records is named, not counted: it is not a record.
    if (!(record.outside && record.reason === "xml")) this.count(record.reason);
    if (FILTERS.has(record.reason)) return;
    const listed = {
      record: record.record,
      field: record.field,
      reason: record.detail ?? say(`admin.import.skip.${record.reason}`),
    };
    const strict = this.options.strict && record.reason !== "too-deep" && record.reason !== "ban-no-name";
    if (strict && record.id) this.refusedIds.add(record.id);
    if (strict)
      listIn(
        this.report.refused,
        new ImportFileError(listed.record, listed.field ?? "record", listed.reason),
        ++this.report.refusedCount,
      );
    else if (this.report.skipped.length < MAX_LISTED) this.report.skipped.push(listed);
  }

  /** A comment imported with a change; with `strict`, a refusal. */
  private keep(record: Said, field: string, reason: ImportMessage): void {
    if (this.options.strict)
      listIn(this.report.refused, new ImportFileError(record, field, reason), ++this.report.refusedCount);
    else if (++this.report.keptCount <= MAX_LISTED) this.report.kept.push({ record, field, reason });
  }
}
