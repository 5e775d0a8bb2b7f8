/**
 * npm run db:backup [FILE]   a consistent backup of DATABASE_URL while the site serves
 *
 * SQLite: a copy of the file by SQLite's online backup API (FILE defaults to
 * backups/marginalia-<time>.db). PostgreSQL: `pg_dump --format=custom` (backups/…dump), when
 * PostgreSQL's client programs are installed. A folder as FILE gets that name inside it. Never
 * overwrites a file. See docs/deploy.md#backups.
 */
import fs from "node:fs";
import path from "node:path";
import nextEnv from "@next/env";
import { resolveDatabaseTarget } from "@/lib/server/database-url";
import { backupDatabase, BackupError, defaultBackupFile, defaultBackupName } from "./lib/backup";
import { describePostgres } from "./lib/schema-engine";

nextEnv.loadEnvConfig(process.cwd(), process.env.NODE_ENV !== "production");

const args = process.argv.slice(2);
if (args.length > 1 || args[0]?.startsWith("-")) {
  console.error("usage: npm run db:backup [FILE]");
  process.exit(2);
}
try {
  const target = resolveDatabaseTarget();
  // A folder (an existing one, or a path ending in /) gets the default name inside it.
  const given = args[0];
  const folder =
    given !== undefined && (given.endsWith("/") || (fs.existsSync(given) && fs.statSync(given).isDirectory()));
  const file = !given
    ? defaultBackupFile(target.provider)
    : folder
      ? path.join(given, defaultBackupName(target.provider))
      : given;
  const source =
    target.provider === "sqlite"
      ? `SQLite ${path.relative(process.cwd(), target.file)}`
      : `PostgreSQL ${describePostgres(target.url)}`;
  const result = await backupDatabase(target, file);
  const rows = result.counts
    ? `: ${Object.entries(result.counts)
        .filter(([table, count]) => count > 0 || table === "Comment")
        .map(([table, count]) => `${count.toLocaleString("en")} ${table}`)
        .join(", ")}`
    : "";
  console.log(
    `Backed up ${source} to ${result.file} (${(result.bytes / 1024).toFixed(0)} KB in ${(result.ms / 1000).toFixed(1)} s)${rows}.`,
  );
} catch (error) {
  console.error(
    `Backup failed: ${error instanceof BackupError ? error.message : String((error as Error).stack ?? error)}`,
  );
  process.exitCode = 1;
}
