import "server-only";
import { importComments, type ImportResult } from "../backup";
import { normalizeBlock } from "../blocklist";
import { importFile, type ImportOptions, type ImportReport } from "../import/run";
import { sayIn } from "../import/message";
import { t } from "../../i18n";
import { forgetPages } from "../../server/page-cache";
import { countBlocks, MAX_BLOCKS, rulesChanged, saveBlock, setThreadLocked } from "../moderation";
import { db as defaultDb, type Db } from "../../server/db";
import { logged } from "./shared";

// Comments loaded in bulk: a Marginalia export (lib/comments/backup.ts), all or nothing, or
// another system's (lib/comments/import/, whose readers this door runs), what can be kept of it
// (all or nothing with `strict`). What the other system knew besides comments comes in here too,
// as the author's own moderation would write it: its closed discussions locked, its blocked
// users banned by name.

/** Loads a Marginalia export (lib/comments/backup.ts): all of it or, with one bad record, nothing. */
export async function importBackup(file: unknown, db: Db = defaultDb()): Promise<ImportResult> {
  return logged(
    { action: "import", via: "marginalia" },
    async () => {
      const result = await importComments(file, db);
      // It may lock discussions.
      await rulesChanged(db);
      if (result.kind === "imported") forgetPages();
      return result;
    },
    (r) =>
      r.kind === "imported"
        ? { outcome: "done", comments: r.comments, added: r.added, reactions: r.reactions }
        : { outcome: "refused" },
  );
}

/** Imports another system's export (lib/comments/import/): see lib/comments/import/run.ts. */
export async function importFrom(options: ImportOptions, db: Db = defaultDb()): Promise<ImportReport> {
  return logged(
    { action: "import", via: options.format },
    async () => {
      const report = await importFile(options, db);
      if (report.refusedCount === 0 && !report.dryRun) await applyModeration(report, db, options.now ?? new Date());
      if (report.added > 0) forgetPages();
      return report;
    },
    (r) => ({ outcome: r.refusedCount > 0 ? "refused" : r.dryRun ? "dry-run" : "done", added: r.added }),
  );
}

/** The old system's closed discussions and blocked users, as the author's own moderation writes them. */
async function applyModeration(report: ImportReport, db: Db, now: Date): Promise<void> {
  for (const slug of report.locked) {
    await setThreadLocked(slug, true, db);
    forgetPages(slug);
  }
  let room = report.bans.length ? MAX_BLOCKS - (await countBlocks(db)) : 0;
  for (const ban of report.bans) {
    const value = normalizeBlock("name", ban.name);
    if (!value.ok || room-- <= 0) continue;
    const until = ban.until ? new Date(ban.until) : null;
    await saveBlock(
      {
        kind: "name",
        value: value.value,
        action: "shadow",
        // In the site's language, as the author's own notes are.
        note: sayIn(t, ban.note).slice(0, 200),
        expiresAt: until,
      },
      db,
      now,
    );
  }
}
