// The SQLite adapter the app uses (lib/server/sqlite-adapter.ts): one connection shared by every
// request, its statements prepared once, and an open transaction kept apart from other requests'
// writes, on a real database file.
import type { SqlDriverAdapter, SqlQuery } from "@prisma/driver-adapter-utils";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PrismaClient } from "@/lib/generated/sqlite/client";
import { resolveDatabaseTarget } from "@/lib/server/database-url";
import { SqliteAdapter } from "@/lib/server/sqlite-adapter";
import { freshSqlite, type TestDatabase } from "../support/databases";

/** The app's adapter, telling the test when a query reaches the connection (before it may wait there). */
class WatchedAdapter extends SqliteAdapter {
  #arrivals: ((query: SqlQuery) => void)[] = [];

  /** Resolves once a query with `value` among its arguments reaches the connection. */
  arrival(value: string): Promise<void> {
    return new Promise((resolve) => this.#arrivals.push((query) => query.args.includes(value) && resolve()));
  }

  override async connect(): Promise<SqlDriverAdapter> {
    const connection = await super.connect();
    for (const method of ["queryRaw", "executeRaw"] as const) {
      const run = connection[method].bind(connection) as (query: SqlQuery) => Promise<never>;
      connection[method] = ((query: SqlQuery) => {
        for (const arrived of this.#arrivals) arrived(query);
        return run(query);
      }) as never;
    }
    return connection;
  }
}

describe("the SQLite adapter", () => {
  let database: TestDatabase;
  let adapter: WatchedAdapter;
  let db: PrismaClient;
  const keys = async () => (await db.rateLimitHit.findMany({ orderBy: { id: "asc" } })).map((row) => row.key);

  /** A client on the test's file whose writes wait for an open transaction up to `busyMs`. */
  const connect = (busyMs: number) => {
    const target = resolveDatabaseTarget(database.url);
    if (target.provider !== "sqlite") throw new Error("expected a SQLite file");
    adapter = new WatchedAdapter({ url: target.file, timeout: busyMs });
    db = new PrismaClient({ adapter });
  };

  beforeEach(async () => {
    database = await freshSqlite();
    // Longer than any wait here, so only the test about the busy timeout meets it.
    connect(30_000);
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
    const arrived = adapter.arrival("another request");
    const transaction = db
      .$transaction(async (tx) => {
        await tx.rateLimitHit.create({ data: { key: "in the transaction" } });
        inside();
        // Open until the other write has reached the connection (where it waits for this one).
        await arrived;
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
    await db.$disconnect();
    connect(300);
    await db.rateLimitHit.create({ data: { key: "before" } });
    let inside!: () => void;
    const opened = new Promise<void>((resolve) => (inside = resolve));
    let open = true;
    let writeOver!: () => void;
    const writeFailed = new Promise<void>((resolve) => (writeOver = resolve));
    const transaction = db.$transaction(
      async (tx) => {
        await tx.rateLimitHit.create({ data: { key: "in the transaction" } });
        inside();
        // Open until the write from outside has given up: however long the busy timeout takes here.
        await writeFailed;
        open = false;
      },
      { timeout: 60_000 },
    );
    await opened;
    expect((await db.rateLimitHit.findMany({ where: { key: "before" } })).length).toBe(1);
    expect(open, "the read waited for the transaction").toBe(true);
    // P1008, as Prisma reports SQLITE_BUSY: the action and the API tell the reader to try again.
    await expect(db.rateLimitHit.create({ data: { key: "too late" } })).rejects.toMatchObject({ code: "P1008" });
    expect(open, "the write was refused after the transaction ended").toBe(true);
    writeOver();
    await transaction;
    expect(await keys()).toEqual(["before", "in the transaction"]);
  });
});
