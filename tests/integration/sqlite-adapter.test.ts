// The SQLite adapter the app uses (lib/server/sqlite-adapter.ts): one connection shared by every
// request, its statements prepared once, and an open transaction kept apart from other requests'
// writes, on a real database file.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PrismaClient } from "@/lib/generated/sqlite/client";
import { resolveDatabaseTarget } from "@/lib/server/database-url";
import { SqliteAdapter } from "@/lib/server/sqlite-adapter";
import { freshSqlite, type TestDatabase } from "../support/databases";

describe("the SQLite adapter", () => {
  let database: TestDatabase;
  let adapter: SqliteAdapter;
  let db: PrismaClient;
  const keys = async () => (await db.rateLimitHit.findMany({ orderBy: { id: "asc" } })).map((row) => row.key);

  beforeEach(async () => {
    database = await freshSqlite();
    const target = resolveDatabaseTarget(database.url);
    if (target.provider !== "sqlite") throw new Error("expected a SQLite file");
    adapter = new SqliteAdapter({ url: target.file, timeout: 300 });
    db = new PrismaClient({ adapter });
  });
  afterEach(async () => {
    await db.$disconnect();
    await database.drop();
  });

  it("prepares a query once, however often it runs", async () => {
    for (let i = 0; i < 3; i++) await db.rateLimitHit.create({ data: { key: `warm ${i}` } });
    await db.rateLimitHit.findMany({ where: { key: "warm 0" } });
    const before = adapter.statementsPrepared();
    for (let i = 0; i < 50; i++) {
      await db.rateLimitHit.create({ data: { key: `key ${i}` } });
      expect((await db.rateLimitHit.findMany({ where: { key: `key ${i}` } })).length).toBe(1);
    }
    expect(adapter.statementsPrepared()).toBe(before);
  });

  it("keeps another request's write when an open transaction rolls back", async () => {
    let inside!: () => void;
    const opened = new Promise<void>((resolve) => (inside = resolve));
    const transaction = db
      .$transaction(async (tx) => {
        await tx.rateLimitHit.create({ data: { key: "in the transaction" } });
        inside();
        await new Promise((resolve) => setTimeout(resolve, 50));
        throw new Error("changed its mind");
      })
      .catch((error: Error) => error.message);
    await opened;
    // Another request writes meanwhile, and is told it did once the transaction is over.
    await db.rateLimitHit.create({ data: { key: "another request" } });
    expect(await transaction).toBe("changed its mind");
    expect(await keys()).toEqual(["another request"]);
  });

  it("lets reads go on during a transaction, and fails a write that waits past the busy timeout", async () => {
    await db.rateLimitHit.create({ data: { key: "before" } });
    let inside!: () => void;
    const opened = new Promise<void>((resolve) => (inside = resolve));
    const transaction = db.$transaction(
      async (tx) => {
        await tx.rateLimitHit.create({ data: { key: "in the transaction" } });
        inside();
        await new Promise((resolve) => setTimeout(resolve, 600));
      },
      { timeout: 5_000 },
    );
    await opened;
    const started = performance.now();
    expect((await db.rateLimitHit.findMany({ where: { key: "before" } })).length).toBe(1);
    expect(performance.now() - started).toBeLessThan(200);
    // P1008, as Prisma reports SQLITE_BUSY: the action and the API tell the reader to try again.
    await expect(db.rateLimitHit.create({ data: { key: "too late" } })).rejects.toMatchObject({ code: "P1008" });
    await transaction;
    expect(await keys()).toEqual(["before", "in the transaction"]);
  });
});
