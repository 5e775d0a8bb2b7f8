/**
 * `npm run db:backup` and `npm run db:restore`: a consistent copy of the database while the site
 * serves, and its way back into an empty database. SQLite: the online backup API (better-sqlite3's
 * `backup()`), all pages in one step, so the copy is one snapshot and writers go on meanwhile (WAL).
 * PostgreSQL: `pg_dump --format=custom` (one transaction, one snapshot) and `pg_restore`, when
 * PostgreSQL's client programs are installed. The JSON export (/admin) stays the portable format,
 * between engines and versions; these are the operator's backups of one engine.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import type { DatabaseTarget } from "@/lib/server/database-url";
import { describePostgres } from "./schema-engine";

/** A failure with a message that says what to do; the scripts print it alone, without a stack. */
export class BackupError extends Error {}

type Provider = DatabaseTarget["provider"];

// The migration history is the schema's, not data: a restore may replace it.
const HISTORY_TABLE = "_prisma_migrations";
/** sqlite3_backup_step's page count: every page in one step, one read transaction, one snapshot. */
const ALL_PAGES = 0x7fffffff;

export function defaultBackupFile(provider: Provider, now = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  return path.join("backups", `marginalia-${stamp}.${provider === "sqlite" ? "db" : "dump"}`);
}

/** The file name alone, for a backup into a folder of the operator's. */
export function defaultBackupName(provider: Provider, now = new Date()): string {
  return path.basename(defaultBackupFile(provider, now));
}

/** What a backup file holds, by its first bytes. */
export function backupKind(file: string): Provider | "unknown" {
  const header = Buffer.alloc(16);
  const fd = fs.openSync(file, "r");
  try {
    fs.readSync(fd, header, 0, 16, 0);
  } finally {
    fs.closeSync(fd);
  }
  if (header.toString("latin1") === "SQLite format 3\0") return "sqlite";
  if (header.subarray(0, 5).toString("latin1") === "PGDMP") return "postgresql";
  return "unknown";
}

/** libpq's environment for a postgres:// URL: the password stays out of the command line (ps shows it). */
export function libpqEnvironment(url: string): Record<string, string> {
  const parsed = new URL(url);
  const env: Record<string, string> = {};
  if (parsed.hostname) env.PGHOST = parsed.hostname.replace(/^\[(.*)\]$/, "$1");
  if (parsed.port) env.PGPORT = parsed.port;
  if (parsed.username) env.PGUSER = decodeURIComponent(parsed.username);
  if (parsed.password) env.PGPASSWORD = decodeURIComponent(parsed.password);
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ""));
  if (database) env.PGDATABASE = database;
  // The URL parameters libpq knows; others (Prisma's schema=, connection_limit=) mean nothing to it.
  const known: Record<string, string> = {
    host: "PGHOST",
    port: "PGPORT",
    user: "PGUSER",
    password: "PGPASSWORD",
    dbname: "PGDATABASE",
    sslmode: "PGSSLMODE",
    sslrootcert: "PGSSLROOTCERT",
    sslcert: "PGSSLCERT",
    sslkey: "PGSSLKEY",
    connect_timeout: "PGCONNECT_TIMEOUT",
    application_name: "PGAPPNAME",
    options: "PGOPTIONS",
  };
  for (const [name, value] of parsed.searchParams) if (known[name]) env[known[name]] = value;
  return env;
}

type Run = { code: number | null; stdout: string; stderr: string };

function run(program: string, args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * A PostgreSQL client program: from PATH, else the newest of Debian's /usr/lib/postgresql/N/bin.
 * Null when PostgreSQL's client programs are not installed.
 */
export async function pgTool(name: "pg_dump" | "pg_restore"): Promise<string | null> {
  const root = "/usr/lib/postgresql";
  const versions = fs.existsSync(root)
    ? fs
        .readdirSync(root)
        .filter((version) => fs.existsSync(path.join(root, version, "bin", name)))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  for (const candidate of [name, ...versions.map((version) => path.join(root, version, "bin", name))]) {
    const found = await run(candidate, ["--version"], {}).then(
      (result) => result.code === 0,
      () => false,
    );
    if (found) return candidate;
  }
  return null;
}

async function requirePgTool(name: "pg_dump" | "pg_restore"): Promise<string> {
  const tool = await pgTool(name);
  if (!tool) {
    throw new BackupError(
      `${name} is not installed: PostgreSQL backups need PostgreSQL's client programs, of the server's major version or newer (Debian: apt-get install postgresql-client). The JSON export in /admin works without them.`,
    );
  }
  return tool;
}

const temporaryNextTo = (file: string) => `${file}.partial-${randomBytes(4).toString("hex")}`;

function prepareOutput(file: string): void {
  if (fs.existsSync(file)) throw new BackupError(`${file} exists already: a backup never overwrites a file.`);
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
}

/** Rows per table (the migration history left out), for what the scripts print and the tests compare. */
export type TableCounts = Record<string, number>;

function sqliteCounts(database: Database.Database): TableCounts {
  const tables = database
    .prepare(
      `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != '${HISTORY_TABLE}' ORDER BY name`,
    )
    .pluck()
    .all() as string[];
  return Object.fromEntries(
    tables.map((table) => [table, database.prepare(`SELECT count(*) FROM "${table}"`).pluck().get() as number]),
  );
}

async function postgresTables(client: pg.Client): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename`,
  );
  return rows.map((row) => row.name);
}

async function postgresCounts(client: pg.Client): Promise<TableCounts> {
  const counts: TableCounts = {};
  for (const table of await postgresTables(client)) {
    if (table === HISTORY_TABLE) continue;
    const { rows } = await client.query<{ count: string }>(`SELECT count(*) FROM "${table}"`);
    counts[table] = Number(rows[0].count);
  }
  return counts;
}

async function withPostgres<T>(url: string, body: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
  } catch (error) {
    throw new BackupError(`Cannot connect to PostgreSQL at ${describePostgres(url)}: ${(error as Error).message}`);
  }
  try {
    return await body(client);
  } finally {
    await client.end();
  }
}

export type BackupResult = { file: string; bytes: number; ms: number; counts?: TableCounts };

/** Writes a consistent backup of the database to `file` (refused if it exists), atomically. */
export async function backupDatabase(target: DatabaseTarget, file: string): Promise<BackupResult> {
  const started = performance.now();
  prepareOutput(file);
  const partial = temporaryNextTo(file);
  try {
    if (target.provider === "sqlite") {
      if (!fs.existsSync(target.file)) throw new BackupError(`There is no SQLite database at ${target.file}.`);
      const source = new Database(target.file, { fileMustExist: true, timeout: 5_000 });
      try {
        await source.backup(partial, { progress: () => ALL_PAGES });
      } finally {
        source.close();
      }
      // One self-contained file (no -wal beside it), checked before it takes its name.
      const copy = new Database(partial);
      let counts: TableCounts;
      try {
        copy.pragma("journal_mode = DELETE");
        const integrity = copy.pragma("integrity_check", { simple: true });
        if (integrity !== "ok") throw new BackupError(`The copy failed its integrity check: ${String(integrity)}`);
        counts = sqliteCounts(copy);
      } finally {
        copy.close();
      }
      fs.renameSync(partial, file);
      return { file, bytes: fs.statSync(file).size, ms: performance.now() - started, counts };
    }
    const pgDump = await requirePgTool("pg_dump");
    const dumped = await run(
      pgDump,
      ["--format=custom", "--no-password", `--file=${partial}`],
      libpqEnvironment(target.url),
    );
    if (dumped.code !== 0)
      throw new BackupError(`pg_dump failed: ${dumped.stderr.trim() || `exit code ${dumped.code}`}`);
    // The archive reads back (its table of contents), before it takes its name.
    const pgRestore = await requirePgTool("pg_restore");
    const listed = await run(pgRestore, ["--list", partial], {});
    if (listed.code !== 0) throw new BackupError(`The dump does not read back: ${listed.stderr.trim()}`);
    fs.renameSync(partial, file);
    return { file, bytes: fs.statSync(file).size, ms: performance.now() - started };
  } finally {
    fs.rmSync(partial, { force: true });
  }
}

/** What a restore ended that the backup held: the admin's sessions, and unused one-time links. */
export type SignedOut = { sessions: number; links: number };

export type RestoreResult = { counts: TableCounts; ms: number; historyMigrations: string[]; signedOut: SignedOut };

const refuse = (where: string, full: string[]) =>
  new BackupError(
    `Refused: ${where} is not empty (${full.join(", ")} hold rows). db:restore only fills an empty database, so nothing is overwritten by mistake: point DATABASE_URL at a new SQLite file or a newly created PostgreSQL database (createdb), and restore there.`,
  );

/**
 * What a restored site must not take back from its backup: the admin's sessions (a cookie from
 * before, perhaps one signed out since, would open /admin again: the author signs in again) and
 * the mails' one-time links unused when the backup was made (perhaps used since: they would work
 * twice). The links are expired rather than deleted, so one clicked later says "expired" and how
 * to get another. A backup older than these tables has neither.
 */
const SIGN_OUT = {
  sessions: { table: "AdminSession", sql: `DELETE FROM "AdminSession"` },
  links: { table: "MailToken", sql: `UPDATE "MailToken" SET "expiresAt" = "createdAt" WHERE "usedAt" IS NULL` },
} as const;

/** Restores `file` into the database, which must hold no rows (a freshly migrated one is fine). */
export async function restoreDatabase(
  target: DatabaseTarget,
  file: string,
  notify?: (client: pg.Client) => Promise<void>,
): Promise<RestoreResult> {
  const started = performance.now();
  if (!fs.existsSync(file)) throw new BackupError(`There is no file ${file}.`);
  const kind = backupKind(file);
  if (kind === "unknown") throw new BackupError(`${file} is neither a SQLite database nor a pg_dump custom archive.`);
  if (kind !== target.provider) {
    throw new BackupError(
      `${file} is a ${kind === "sqlite" ? "SQLite" : "PostgreSQL"} backup, but DATABASE_URL is ${target.provider === "sqlite" ? "SQLite" : "PostgreSQL"}: to move between engines, use the JSON export and import in /admin.`,
    );
  }
  const restored =
    target.provider === "sqlite"
      ? await restoreSqlite(target.file, file)
      : await restorePostgres(target.url, file, notify);
  return { ...restored, ms: performance.now() - started };
}

async function restoreSqlite(database: string, file: string): Promise<Omit<RestoreResult, "ms">> {
  if (fs.existsSync(database)) {
    const existing = new Database(database, { readonly: true, timeout: 5_000 });
    try {
      const full = Object.entries(sqliteCounts(existing)).filter(([, count]) => count > 0);
      if (full.length > 0)
        throw refuse(
          database,
          full.map(([table]) => table),
        );
    } finally {
      existing.close();
    }
  } else fs.mkdirSync(path.dirname(database), { recursive: true });
  const source = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const integrity = source.pragma("integrity_check", { simple: true });
    if (integrity !== "ok") throw new BackupError(`${file} fails its integrity check: ${String(integrity)}`);
    await source.backup(database, { progress: () => ALL_PAGES });
  } finally {
    source.close();
  }
  const restored = new Database(database, { timeout: 5_000 });
  try {
    // The app's mode (the migration sets it; the backup file is in rollback-journal mode).
    restored.pragma("journal_mode = WAL");
    const tables = Object.keys(sqliteCounts(restored));
    const signOut = ({ table, sql }: { table: string; sql: string }) =>
      tables.includes(table) ? restored.prepare(sql).run().changes : 0;
    const signedOut = restored.transaction(() => ({
      sessions: signOut(SIGN_OUT.sessions),
      links: signOut(SIGN_OUT.links),
    }))();
    const history = restored.prepare(`SELECT migration_name FROM ${HISTORY_TABLE}`).pluck().all() as string[];
    return { counts: sqliteCounts(restored), historyMigrations: history, signedOut };
  } finally {
    restored.close();
  }
}

async function restorePostgres(
  url: string,
  file: string,
  notify?: (client: pg.Client) => Promise<void>,
): Promise<Omit<RestoreResult, "ms">> {
  const pgRestore = await requirePgTool("pg_restore");
  await withPostgres(url, (client) => emptyPostgres(client, `PostgreSQL ${describePostgres(url)}`));
  const restored = await run(
    pgRestore,
    [
      "--exit-on-error",
      "--single-transaction",
      "--no-owner",
      "--no-acl",
      "--no-password",
      `--dbname=${databaseName(url)}`,
      file,
    ],
    libpqEnvironment(url),
  );
  if (restored.code !== 0) throw new BackupError(`pg_restore failed (nothing was restored): ${restored.stderr.trim()}`);
  return withPostgres(url, async (client) => {
    const tables = await postgresTables(client);
    const signOut = async ({ table, sql }: { table: string; sql: string }) =>
      tables.includes(table) ? ((await client.query(sql)).rowCount ?? 0) : 0;
    await client.query("BEGIN");
    const signedOut = { sessions: await signOut(SIGN_OUT.sessions), links: await signOut(SIGN_OUT.links) };
    await client.query("COMMIT");
    await notify?.(client);
    const { rows } = await client.query<{ migration_name: string }>(`SELECT migration_name FROM ${HISTORY_TABLE}`);
    return {
      counts: await postgresCounts(client),
      historyMigrations: rows.map((row) => row.migration_name),
      signedOut,
    };
  });
}

/**
 * Tables with no rows (a database `npm start` already migrated) are dropped, with the migrations'
 * types and functions, in one transaction that holds them locked, so the archive creates them as
 * it knows them; a table with rows refuses the restore.
 */
async function emptyPostgres(client: pg.Client, where: string): Promise<void> {
  await client.query("BEGIN");
  try {
    const tables = await postgresTables(client);
    if (tables.length > 0) {
      await client.query(`LOCK TABLE ${tables.map((table) => `"${table}"`).join(", ")} IN ACCESS EXCLUSIVE MODE`);
    }
    const full: string[] = [];
    for (const table of tables) {
      if (table === HISTORY_TABLE) continue;
      const { rows } = await client.query<{ any: boolean }>(`SELECT EXISTS (SELECT 1 FROM "${table}") AS any`);
      if (rows[0].any) full.push(table);
    }
    if (full.length > 0) throw refuse(where, full);
    for (const table of tables) await client.query(`DROP TABLE "${table}" CASCADE`);
    const { rows: types } = await client.query<{ name: string }>(
      `SELECT t.typname AS name FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
        WHERE n.nspname = current_schema() AND t.typtype = 'e'`,
    );
    for (const { name } of types) await client.query(`DROP TYPE "${name}" CASCADE`);
    // The migrations' functions too (an extension's own are left to it).
    const { rows: functions } = await client.query<{ signature: string }>(
      `SELECT p.oid::regprocedure::text AS signature FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = current_schema()
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')`,
    );
    for (const { signature } of functions) await client.query(`DROP FUNCTION ${signature} CASCADE`);
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK");
    throw error;
  }
}

const databaseName = (url: string) => decodeURIComponent(new URL(url).pathname.replace(/^\//, "")) || "postgres";
