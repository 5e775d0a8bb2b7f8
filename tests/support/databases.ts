// Fresh, migrated databases for integration tests: a SQLite file in a temporary folder and a
// temporary database on the PostgreSQL server (skipped, with the reason printed, where none answers).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll } from "vitest";
import { resolveDatabaseTarget } from "@/lib/server/database-url";
import { createDb, type Db } from "@/lib/server/db";
import { applyMigrations } from "@/scripts/lib/migrations";
import { createTemporaryDatabase, postgresUnavailable } from "@/scripts/lib/schema-engine";

export const POSTGRES_SERVER_URL = process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";

export type TestDatabase = { db: Db; url: string; drop: () => Promise<void> };

export async function freshSqlite(): Promise<TestDatabase> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "marginalia-test-"));
  const url = `file:${path.join(dir, "test.db")}`;
  await applyMigrations(resolveDatabaseTarget(url));
  const db = createDb(url);
  return {
    db,
    url,
    drop: async () => {
      await db.$disconnect();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function freshPostgres(): Promise<TestDatabase> {
  const temporary = await createTemporaryDatabase(POSTGRES_SERVER_URL, "marginalia_test");
  await applyMigrations(resolveDatabaseTarget(temporary.url));
  const db = createDb(temporary.url);
  return {
    db,
    url: temporary.url,
    drop: async () => {
      await db.$disconnect();
      await temporary.drop();
    },
  };
}

const pgReason = await postgresUnavailable(POSTGRES_SERVER_URL);
if (pgReason) console.warn(`PostgreSQL tests skipped: ${pgReason}`);

/** The providers to run a suite against: [name, open a fresh database, skip reason or null]. */
export const providers = [
  ["SQLite", freshSqlite, null],
  ["PostgreSQL", freshPostgres, pgReason],
] as const;

/**
 * Registers a fresh database for the enclosing describe block: made before its tests, dropped after,
 * none where the provider is skipped. Read `db` inside tests and hooks: it throws before it is made.
 */
export function withDatabase(open: () => Promise<TestDatabase>, skipReason: string | null) {
  let database: TestDatabase | undefined;
  beforeAll(async () => {
    if (skipReason) return;
    database = await open();
  });
  afterAll(async () => {
    await database?.drop();
  });
  const current = () => {
    if (!database) throw new Error("no test database yet: read it inside a test or hook, not while collecting");
    return database;
  };
  return {
    get db(): Db {
      return current().db;
    },
    get url(): string {
      return current().url;
    },
  };
}
