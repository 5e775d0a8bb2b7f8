/**
 * npm run db:restore FILE   a backup of npm run db:backup into DATABASE_URL, which must be empty
 *
 * Refuses a database that holds any row (one `npm start` migrated is fine). The backup's admin
 * sessions and unused one-time mail links are not brought back (scripts/lib/backup.ts). On
 * PostgreSQL, tells the running instances to drop their cached pages. See docs/deploy.md#backups.
 */
import nextEnv from "@next/env";
import { resolveDatabaseTarget } from "@/lib/server/database-url";
import { CACHE_CHANNEL } from "@/lib/server/cache-channel";
import { BackupError, restoreDatabase } from "./lib/backup";
import { MIGRATIONS_DIRS, readMigrationList } from "./lib/migrations";

nextEnv.loadEnvConfig(process.cwd(), process.env.NODE_ENV !== "production");

const args = process.argv.slice(2);
if (args.length !== 1 || args[0].startsWith("-")) {
  console.error("usage: npm run db:restore FILE");
  process.exit(2);
}
try {
  const target = resolveDatabaseTarget();
  const result = await restoreDatabase(target, args[0], (client) =>
    client
      .query("SELECT pg_notify($1, $2)", [CACHE_CHANNEL, JSON.stringify({ from: "db:restore", slugs: null })])
      .then(() => undefined),
  );
  const rows = Object.entries(result.counts)
    .filter(([table, count]) => count > 0 || table === "Comment")
    .map(([table, count]) => `${count.toLocaleString("en")} ${table}`)
    .join(", ");
  console.log(`Restored ${args[0]} in ${(result.ms / 1000).toFixed(1)} s: ${rows}.`);
  const { sessions, links } = result.signedOut;
  console.log(
    `Signed out: ${sessions} admin session(s) of the backup ended (sign in to /admin again), ${links} unused mail link(s) expired.`,
  );
  const known = (await readMigrationList(MIGRATIONS_DIRS[target.provider])).migrationDirectories.map((d) => d.path);
  const newer = known.filter((name) => !result.historyMigrations.includes(name));
  if (newer.length > 0) {
    console.log(
      `The backup predates ${newer.length} migration(s) of this version: npm start (or npm run db:migrate) applies them.`,
    );
  }
} catch (error) {
  console.error(
    `Restore failed: ${error instanceof BackupError ? error.message : String((error as Error).stack ?? error)}`,
  );
  process.exitCode = 1;
}
