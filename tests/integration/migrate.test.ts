import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { afterAll, describe, expect, it } from "vitest";
import { resolveDatabaseTarget } from "@/lib/server/database-url";
import { PrismaClient as PostgresClient } from "../../lib/generated/postgres/client";
import { PrismaClient as SqliteClient } from "../../lib/generated/sqlite/client";
import { applyMigrations, DEFAULT_POSTGRES_SERVER_URL, MIGRATIONS_DIRS } from "../../scripts/lib/migrations";
import { PROJECT_ROOT } from "../../scripts/lib/prisma-schema";
import { createTemporaryDatabase, postgresUnavailable } from "../../scripts/lib/schema-engine";

// The two generated clients have the same model API but incompatible overloads, so type both as one.
type Client = InstanceType<typeof SqliteClient>;
type MigrationRow = { migration_name: string; checksum: string; finished_at: unknown; rolled_back_at: unknown };

/** What `prisma migrate deploy` records for a folder: its name and the sha256 of migration.sql. */
async function migrationsOnDisk(dir: string) {
  const folders = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
  return Promise.all(
    folders.sort().map(async (name) => ({
      name,
      checksum: createHash("sha256")
        .update(await readFile(path.join(dir, name, "migration.sql")))
        .digest("hex"),
    })),
  );
}

/** The history is recorded like Prisma's, and the app's generated client can use the Comment table. */
async function expectMigrated(client: Client, migrationsDir: string) {
  const rows = await client.$queryRawUnsafe<MigrationRow[]>(
    `SELECT migration_name, checksum, finished_at, rolled_back_at FROM _prisma_migrations ORDER BY migration_name`,
  );
  const expected = await migrationsOnDisk(migrationsDir);
  expect(expected.length).toBeGreaterThan(0);
  expect(rows.map((r) => ({ name: r.migration_name, checksum: r.checksum }))).toEqual(expected);
  for (const row of rows) {
    expect(row.finished_at).not.toBeNull();
    expect(row.rolled_back_at).toBeNull();
  }

  const comment = await client.comment.create({
    data: { articleSlug: "hello-world", rootId: "root", authorName: "Ada", body: "First!" },
  });
  expect(await client.comment.findMany({ where: { articleSlug: "hello-world" } })).toEqual([comment]);
}

describe("db:migrate on SQLite", () => {
  let dir = "";
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("migrates a fresh file (creating its folder), then finds nothing to do", async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "marginalia-migrate-test-"));
    const target = resolveDatabaseTarget(`file:${path.join(dir, "nested", "test.db")}`);
    const all = (await migrationsOnDisk(MIGRATIONS_DIRS.sqlite)).map((m) => m.name);

    expect(await applyMigrations(target)).toEqual({ applied: all });
    expect(await applyMigrations(target)).toEqual({ applied: [] });

    const client = new SqliteClient({ adapter: new PrismaBetterSqlite3({ url: target.url }) });
    try {
      await expectMigrated(client, MIGRATIONS_DIRS.sqlite);
      expect(await client.$queryRawUnsafe(`PRAGMA journal_mode`)).toEqual([{ journal_mode: "wal" }]);
    } finally {
      await client.$disconnect();
    }
  });
});

const postgresServer = process.env.DATABASE_URL_POSTGRES || DEFAULT_POSTGRES_SERVER_URL;
const pgReason = await postgresUnavailable(postgresServer);
if (pgReason) console.warn(`Skipping the PostgreSQL migration tests: ${pgReason}`);

describe.skipIf(pgReason)("db:migrate on PostgreSQL", () => {
  const dropLater: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const drop of dropLater) await drop();
  });

  it("migrates a fresh database, then finds nothing to do", async () => {
    const database = await createTemporaryDatabase(postgresServer, "marginalia_test");
    dropLater.push(database.drop);
    const target = resolveDatabaseTarget(database.url);
    const all = (await migrationsOnDisk(MIGRATIONS_DIRS.postgresql)).map((m) => m.name);

    expect(await applyMigrations(target)).toEqual({ applied: all });
    expect(await applyMigrations(target)).toEqual({ applied: [] });

    const client = new PostgresClient({
      adapter: new PrismaPg({ connectionString: database.url }),
    }) as unknown as Client;
    try {
      await expectMigrated(client, MIGRATIONS_DIRS.postgresql);
    } finally {
      await client.$disconnect();
    }
  });
});

describe("the db:migrate command", () => {
  it("reports an unreachable PostgreSQL in one line and exits with 1", async () => {
    const run = promisify(execFile)(process.execPath, ["--import", "tsx", "scripts/migrate.ts"], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, DATABASE_URL: "postgres://postgres@127.0.0.1:1/marginalia" },
    });
    await expect(run).rejects.toMatchObject({
      code: 1,
      stderr:
        "Migration failed: Cannot connect to PostgreSQL at 127.0.0.1:1/marginalia: connect ECONNREFUSED 127.0.0.1:1\n",
    });
  });
});
