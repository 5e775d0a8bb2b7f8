import { MAX_DEPTH } from "../store";
import type { Db } from "../../server/db";
import { readDisqus } from "./disqus";
import { readIsso } from "./isso";
import { matchArticle, type PathMap } from "./paths";
import { readRemark42 } from "./remark42";
import { ImportFileError, type ImportFormat, type Progress, type SourceComment } from "./source";
import { prepareComment, type PreparedComment } from "./validate";
import { readWordpress } from "./wordpress";

const READERS: Record<ImportFormat, (file: string, onProgress?: Progress) => AsyncGenerator<SourceComment>> = {
  disqus: readDisqus,
  wordpress: readWordpress,
  remark42: readRemark42,
  isso: readIsso,
};

/** Refusals listed in a report; the rest are counted. */
const MAX_LISTED = 50;
const BATCH = 200;

export type ImportOptions = {
  format: ImportFormat;
  file: string;
  /** The articles' slugs, which threads are matched to. */
  slugs: ReadonlySet<string>;
  maps?: readonly PathMap[];
  dryRun?: boolean;
  onProgress?: (phase: "checking" | "importing", done: number, total: number) => void;
  /**
   * After each record of either pass, with the counts so far. A job inside the web server yields
   * to other requests here (lib/comments/import-jobs.ts); the CLI passes none.
   */
  afterRecord?: (counts: ImportCounts) => Promise<void> | void;
  now?: Date;
};

/** How far an import has come: records read (first pass), written (second), skipped. */
export type ImportCounts = { phase: "checking" | "importing"; read: number; imported: number; skipped: number };

export type ImportReport = {
  format: ImportFormat;
  dryRun: boolean;
  /** Comments read from the file (pingbacks and such not counted). */
  read: number;
  perArticle: Record<string, number>;
  /** Thread URLs that matched no article, with how many comments each holds (skipped). */
  unmatched: Record<string, number>;
  refused: Array<{ record: string; field: string; reason: string }>;
  refusedCount: number;
  /** Held for review (over-long, too many links, spam in the old system). */
  flagged: number;
  /** Deleted in the old system and with no replies: nothing to show, not imported. */
  skippedDeleted: number;
  skippedOther: number;
  /** Records skipped for their shape (nested too deep), each named with its line; the rest import. */
  skipped: Array<{ record: string; reason: string }>;
  skippedCount: number;
  /** Written by this run; 0 when the same file was imported before. */
  added: number;
  alreadyThere: number;
};

type Node = {
  id: string;
  parent: string | null;
  slug: string | null;
  name: string;
  children: number;
  deleted: boolean;
};

/**
 * Imports one export file: a first pass validates every record and the threads' shape (a file
 * with any refused record is refused whole, the report naming them); a second pass, unless
 * `dryRun`, writes in one transaction. Comments are held by id only between the passes: memory
 * grows with the number of comments, never with their text.
 */
export async function importFile(options: ImportOptions, db: Db): Promise<ImportReport> {
  const now = options.now ?? new Date();
  const maps = options.maps ?? [];
  const report: ImportReport = {
    format: options.format,
    dryRun: options.dryRun ?? false,
    read: 0,
    perArticle: {},
    unmatched: {},
    refused: [],
    refusedCount: 0,
    flagged: 0,
    skippedDeleted: 0,
    skippedOther: 0,
    skipped: [],
    skippedCount: 0,
    added: 0,
    alreadyThere: 0,
  };
  const refuse = (error: ImportFileError) => {
    report.refusedCount++;
    if (report.refused.length < MAX_LISTED)
      report.refused.push({ record: error.record, field: error.field, reason: error.reason });
  };

  // Pass 1: every record checked, the tree held by ids.
  const nodes = new Map<string, Node>();
  const refusedIds = new Set<string>(); // their replies are not refused again for a missing parent
  const read = READERS[options.format];
  const progress = (phase: "checking" | "importing"): Progress | undefined =>
    options.onProgress ? (done, total) => options.onProgress!(phase, done, total) : undefined;
  const counts = (phase: ImportCounts["phase"]): ImportCounts => ({
    phase,
    read: report.read + report.refusedCount + report.skippedOther + report.skippedCount,
    imported: report.added + report.alreadyThere,
    skipped: report.skippedOther + report.skippedCount,
  });
  try {
    for await (const source of read(options.file, progress("checking"))) {
      await options.afterRecord?.(counts("checking"));
      if (source.state === "skip") {
        if (source.skipReason === undefined) report.skippedOther++;
        else {
          report.skippedCount++;
          if (report.skipped.length < MAX_LISTED)
            report.skipped.push({ record: source.record, reason: source.skipReason });
        }
        continue;
      }
      let prepared: PreparedComment;
      try {
        prepared = prepareComment(options.format, source, now);
      } catch (error) {
        if (!(error instanceof ImportFileError)) throw error;
        refuse(error);
        if (typeof source.id === "string") refusedIds.add(source.id.trim());
        continue;
      }
      if (nodes.has(prepared.sourceId)) {
        refuse(new ImportFileError(source.record, "id", "appears twice in the file"));
        continue;
      }
      report.read++;
      if (prepared.flags.length) report.flagged++;
      const slug = matchArticle(prepared.threadUrl, options.slugs, maps);
      nodes.set(prepared.sourceId, {
        id: prepared.id,
        parent: prepared.parentSourceId,
        slug,
        name: prepared.authorName,
        children: 0,
        deleted: prepared.deleted,
      });
      if (!slug) report.unmatched[prepared.threadUrl] = (report.unmatched[prepared.threadUrl] ?? 0) + 1;
    }
  } catch (error) {
    // A file that cannot be read on (bad XML, encoding): the refusal that stopped the reading.
    if (!(error instanceof ImportFileError)) throw error;
    refuse(error);
  }

  for (const [sourceId, node] of nodes) {
    if (node.parent === null) continue;
    const parent = nodes.get(node.parent);
    if (!parent && refusedIds.has(node.parent)) continue;
    if (!parent)
      refuse(
        new ImportFileError(
          `comment ${JSON.stringify(sourceId)}`,
          "parent",
          `names ${JSON.stringify(node.parent)}, which is not in the file`,
        ),
      );
    else if (parent.slug !== node.slug)
      refuse(new ImportFileError(`comment ${JSON.stringify(sourceId)}`, "parent", "is in another thread"));
    else parent.children++;
  }
  const placements = placeAll(nodes, refuse);

  for (const node of nodes.values()) {
    if (!node.slug) continue;
    if (node.deleted && node.children === 0) report.skippedDeleted++;
    else report.perArticle[node.slug] = (report.perArticle[node.slug] ?? 0) + 1;
  }
  if (report.refusedCount > 0 || report.dryRun) return report;

  // Pass 2: the same records again, written in one transaction, parents before replies.
  const written = new Set<string>();
  const waiting = new Map<string, PreparedComment[]>(); // replies read before their parent
  let writtenInPass = 0;
  let batch: PreparedComment[] = [];

  await db.$transaction(
    async (tx) => {
      const flush = async () => {
        if (batch.length === 0) return;
        const existing = new Set(
          (await tx.comment.findMany({ where: { id: { in: batch.map((c) => c.id) } }, select: { id: true } })).map(
            (c) => c.id,
          ),
        );
        const rows = batch.filter((c) => !existing.has(c.id));
        report.alreadyThere += batch.length - rows.length;
        if (rows.length) {
          await tx.comment.createMany({
            data: rows.map((c) => {
              const place = placements.get(c.sourceId)!;
              const node = nodes.get(c.sourceId)!;
              return {
                id: c.id,
                articleSlug: node.slug!,
                parentId: place.parentId,
                rootId: place.rootId,
                depth: place.depth,
                replyToName: place.replyToName,
                authorName: c.authorName,
                authorUrl: c.authorUrl,
                body: c.body,
                status: c.status,
                createdAt: c.createdAt,
                deletedAt: c.deleted ? now : null,
                flags: c.flags.length ? c.flags.join("\n") : null,
                pinned: c.pinned,
              };
            }),
          });
        }
        report.added += rows.length;
        batch = [];
      };
      // A comment, then the replies that waited for it, theirs in turn: a queue, not recursion,
      // so a long chain of replies read before their parents neither deepens the stack nor repeats.
      const accept = async (first: PreparedComment) => {
        const queue = [first];
        for (let i = 0; i < queue.length; i++) {
          const comment = queue[i];
          batch.push(comment);
          written.add(comment.id);
          if (batch.length >= BATCH) await flush();
          const replies = waiting.get(comment.id);
          if (replies) {
            waiting.delete(comment.id);
            for (const reply of replies) queue.push(reply);
          }
        }
      };

      for await (const source of read(options.file, progress("importing"))) {
        await options.afterRecord?.({ ...counts("importing"), imported: writtenInPass });
        if (source.state === "skip") continue;
        const comment = prepareComment(options.format, source, now);
        const node = nodes.get(comment.sourceId)!;
        if (!node.slug || (node.deleted && node.children === 0)) continue;
        writtenInPass++;
        const parentId = placements.get(comment.sourceId)!.parentId;
        if (parentId && !written.has(parentId)) {
          const siblings = waiting.get(parentId);
          if (siblings) siblings.push(comment);
          else waiting.set(parentId, [comment]);
        } else await accept(comment);
      }
      await flush();
    },
    { timeout: 30 * 60_000, maxWait: 10_000 },
  );
  return report;
}

type Placement = { parentId: string | null; rootId: string; depth: number; replyToName: string | null };

/**
 * Where each comment goes in Marginalia's threads, as lib/comments/store/ places a new reply: below
 * MAX_DEPTH under its parent; deeper, beside its parent, naming whom it answers. Iterative, so a
 * thousand-deep chain does not overflow the stack; a cycle of parents is refused.
 */
function placeAll(nodes: Map<string, Node>, refuse: (error: ImportFileError) => void): Map<string, Placement> {
  const placed = new Map<string, Placement>();
  for (const start of nodes.keys()) {
    const chain: string[] = [];
    const onChain = new Set<string>();
    let current: string | null = start;
    while (current !== null && !placed.has(current) && nodes.has(current)) {
      if (onChain.has(current)) {
        refuse(new ImportFileError(`comment ${JSON.stringify(start)}`, "parent", "its parents form a cycle"));
        return placed;
      }
      chain.push(current);
      onChain.add(current);
      current = nodes.get(current)!.parent;
    }
    for (const sourceId of chain.reverse()) {
      const node = nodes.get(sourceId)!;
      const parent = node.parent ? placed.get(node.parent) : undefined;
      const parentNode = node.parent ? nodes.get(node.parent) : undefined;
      if (!parent || !parentNode) {
        placed.set(sourceId, { parentId: null, rootId: node.id, depth: 1, replyToName: null });
      } else if (parent.depth < MAX_DEPTH) {
        placed.set(sourceId, {
          parentId: parentNode.id,
          rootId: parent.rootId,
          depth: parent.depth + 1,
          replyToName: null,
        });
      } else {
        placed.set(sourceId, {
          parentId: parent.parentId,
          rootId: parent.rootId,
          depth: MAX_DEPTH,
          replyToName: parentNode.name || null,
        });
      }
    }
  }
  return placed;
}
