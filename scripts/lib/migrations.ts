/**
 * `prisma migrate deploy` and the "create a migration" half of `prisma migrate dev`, for both
 * providers, on top of the WebAssembly schema engine. Migration folders use Prisma's own layout, so
 * the real CLI can take over the history at any time.
 */
import { randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import Database from "better-sqlite3";
import pg from "pg";
import type { MigrationList, SchemaFilter } from "@prisma/schema-engine-wasm/schema_engine_bg";
import { resolveDatabaseTarget, type DatabaseTarget } from "@/lib/server/database-url";
import { derivePostgresSchema, POSTGRES_SCHEMA_PATH, PROJECT_ROOT, SQLITE_SCHEMA_PATH } from "./prisma-schema";
import { createTemporaryDatabase, runOnPostgres, withSchemaEngine, type SchemaFile } from "./schema-engine";

type Provider = DatabaseTarget["provider"];

export const MIGRATIONS_DIRS: Record<Provider, string> = {
  sqlite: path.join(PROJECT_ROOT, "prisma/migrations"),
  postgresql: path.join(PROJECT_ROOT, "prisma/postgres/migrations"),
};

export const DEFAULT_POSTGRES_SERVER_URL = "postgres://postgres@127.0.0.1:5432/test";

const NO_FILTER: SchemaFilter = { externalTables: [], externalEnums: [] };
const LOCKFILE = "migration_lock.toml";
const MIGRATION_FILE = "migration.sql";

/** The schema for a provider, derived in memory so migrations never depend on a stale generated file. */
async function schemaFor(provider: Provider): Promise<SchemaFile> {
  const sqlite = await readFile(SQLITE_SCHEMA_PATH, "utf8");
  return provider === "sqlite"
    ? { path: SQLITE_SCHEMA_PATH, content: sqlite }
    : { path: POSTGRES_SCHEMA_PATH, content: derivePostgresSchema(sqlite) };
}

/** Reads a migrations folder the way the Prisma CLI does (folders sorted by name). */
export async function readMigrationList(baseDir: string): Promise<MigrationList> {
  const entries = await readdir(baseDir, { withFileTypes: true }).catch(() => []);
  const folders = entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name);
  const migrationDirectories = await Promise.all(
    folders
      .sort((a, b) => a.localeCompare(b))
      .map(async (folder) => ({
        path: folder,
        migrationFile: {
          path: MIGRATION_FILE,
          content: await readFile(path.join(baseDir, folder, MIGRATION_FILE), "utf8").then(
            (value) => ({ tag: "ok" as const, value }),
            (error: Error) => ({ tag: "error" as const, value: error.message }),
          ),
        },
      })),
  );
  return {
    baseDir,
    lockfile: { path: LOCKFILE, content: await readFile(path.join(baseDir, LOCKFILE), "utf8").catch(() => null) },
    shadowDbInitScript: "",
    migrationDirectories,
  };
}

/**
 * Whether every migration of the folder is applied (finished, not rolled back), asked of
 * _prisma_migrations directly: `npm start` on a migrated database then skips the schema engine,
 * whose WebAssembly takes a second of CPU to load. False when it cannot tell (no database yet, no
 * table, a failed migration): the engine then says what is wrong.
 */
async function upToDate(target: DatabaseTarget): Promise<boolean> {
  const entries = await readdir(MIGRATIONS_DIRS[target.provider], { withFileTypes: true }).catch(() => []);
  const folders = entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name);
  const sql = "SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL";
  try {
    const rows = target.provider === "sqlite" ? sqliteRows(target.file, sql) : await postgresRows(target.url, sql);
    const applied = new Set(rows.map((row) => row.migration_name));
    return folders.every((folder) => applied.has(folder));
  } catch {
    return false;
  }
}

function sqliteRows(file: string, sql: string): { migration_name: string }[] {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all() as { migration_name: string }[];
  } finally {
    db.close();
  }
}

async function postgresRows(url: string, sql: string): Promise<{ migration_name: string }[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return (await client.query<{ migration_name: string }>(sql)).rows;
  } finally {
    await client.end();
  }
}

/** `prisma migrate deploy`: applies pending migrations and records them in _prisma_migrations. */
export async function applyMigrations(target: DatabaseTarget): Promise<{ applied: string[] }> {
  if (await upToDate(target)) return { applied: [] };
  if (target.provider === "sqlite") await mkdir(path.dirname(target.file), { recursive: true });
  else await runOnPostgres(target.url, "SELECT 1"); // a clear error when the server is not there

  const migrationsList = await readMigrationList(MIGRATIONS_DIRS[target.provider]);
  const { appliedMigrationNames } = await withSchemaEngine(target, await schemaFor(target.provider), (engine) =>
    engine.applyMigrations({ migrationsList, filters: NO_FILTER }),
  );
  if (target.provider === "sqlite") await enableWriteAheadLog(target.url);
  return { applied: appliedMigrationNames };
}

/** WAL lets readers go on while a comment is written; SQLite stores the mode in the file, so once is enough. */
async function enableWriteAheadLog(url: string): Promise<void> {
  const adapter = await new PrismaBetterSqlite3({ url }).connect();
  try {
    await adapter.executeScript("PRAGMA journal_mode = WAL");
  } finally {
    await adapter.dispose();
  }
}

type Draft = { folder: string; script: string; connectorType: string };

/**
 * Asks the engine for the SQL that takes the migration history to the current schema, on a
 * throw-away database (so the local data never matters). Null when there is nothing to do.
 */
async function draftMigration(target: DatabaseTarget, name: string): Promise<Draft | null> {
  const migrationsList = await readMigrationList(MIGRATIONS_DIRS[target.provider]);
  const schema = await schemaFor(target.provider);
  return withSchemaEngine(target, schema, async (engine) => {
    // Without the history applied, createMigration fails on a fresh database (P1014).
    await engine.applyMigrations({ migrationsList, filters: NO_FILTER });
    // devDiagnostic replays the history on a shadow database and fills a cache createMigration needs.
    const { action } = await engine.devDiagnostic({ migrationsList, filters: NO_FILTER });
    if (action.tag === "reset")
      throw new Error(`The ${target.provider} migration history is inconsistent: ${action.reason}`);
    const result = await engine.createMigration({
      draft: false,
      migrationName: name,
      migrationsList,
      schema: { files: [schema] },
      filters: NO_FILTER,
    });
    return result.migrationScript === null
      ? null
      : { folder: result.generatedMigrationName, script: result.migrationScript, connectorType: result.connectorType };
  });
}

/**
 * `prisma migrate dev --create-only` for both providers at once: one folder name for both, so the
 * SQLite and PostgreSQL histories stay in step. Returns the folder name, or null for no changes.
 */
export async function createMigrations(
  name: string,
  postgresServerUrl = DEFAULT_POSTGRES_SERVER_URL,
): Promise<{ migration: string; folders: string[] } | null> {
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`Migration name must be letters, digits and _; got "${name}"`);

  const sqliteFile = path.join(os.tmpdir(), `marginalia-migrate-${randomBytes(6).toString("hex")}.db`);
  const postgres = await createTemporaryDatabase(postgresServerUrl, "marginalia_migrate");
  let drafts: Record<Provider, Draft | null>;
  try {
    drafts = {
      sqlite: await draftMigration(resolveDatabaseTarget(`file:${sqliteFile}`), name),
      postgresql: await draftMigration(resolveDatabaseTarget(postgres.url), name),
    };
  } finally {
    await rm(sqliteFile, { force: true });
    await postgres.drop();
  }

  if (!drafts.sqlite && !drafts.postgresql) return null;
  if (!drafts.sqlite || !drafts.postgresql) {
    const behind = drafts.sqlite ? "postgresql" : "sqlite";
    throw new Error(
      `Only one provider has schema changes: ${path.relative(PROJECT_ROOT, MIGRATIONS_DIRS[behind])} is out of step. Nothing written.`,
    );
  }

  const migration = drafts.sqlite.folder; // the engine names it <timestamp>_<name>
  const folders: string[] = [];
  for (const provider of ["sqlite", "postgresql"] as const) {
    const draft = drafts[provider]!;
    const dir = path.join(MIGRATIONS_DIRS[provider], migration);
    await mkdir(MIGRATIONS_DIRS[provider], { recursive: true });
    await mkdir(dir); // fails if the folder exists rather than overwrite it
    await writeFile(path.join(dir, MIGRATION_FILE), draft.script);
    // Same text the Prisma CLI writes.
    await writeFile(
      path.join(MIGRATIONS_DIRS[provider], LOCKFILE),
      `# Please do not edit this file manually\n# It should be added in your version-control system (e.g., Git)\nprovider = "${draft.connectorType}"\n`,
    );
    folders.push(path.relative(PROJECT_ROOT, dir));
  }
  return { migration, folders };
}
