import "server-only";
import { importComments, type ImportResult } from "../backup";
import { importFile, type ImportOptions, type ImportReport } from "../import/run";
import { forgetPages } from "../../server/page-cache";
import { rulesChanged } from "../moderation";
import { db as defaultDb, type Db } from "../../server/db";
import { logged } from "./shared";

// Comments loaded in bulk: a Marginalia export (lib/comments/backup.ts) or another system's
// (lib/comments/import/, whose readers this door runs), each all or nothing.

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
        ? { outcome: "done", comments: r.comments, reactions: r.reactions }
        : { outcome: "refused" },
  );
}

/** Imports another system's export (lib/comments/import/): all of it or, with one bad record, nothing. */
export async function importFrom(options: ImportOptions, db: Db = defaultDb()): Promise<ImportReport> {
  return logged(
    { action: "import", via: options.format },
    async () => {
      const report = await importFile(options, db);
      if (report.added > 0) forgetPages();
      return report;
    },
    (r) => ({ outcome: r.refusedCount > 0 ? "refused" : r.dryRun ? "dry-run" : "done", added: r.added }),
  );
}
