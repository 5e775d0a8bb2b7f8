import { afterEach, describe, expect, it } from "vitest";
import { createDb, type Db } from "@/lib/server/db";
import { readiness, READY_TIMEOUT_MS, warmUp } from "@/lib/server/health";
import { startDraining } from "@/lib/server/lifecycle";
import { processWide } from "@/lib/process-wide";
import { providers } from "../support/databases";

// startDraining() marks the whole process; each test starts it afresh.
afterEach(() => {
  processWide<{ draining: boolean }>("lifecycle", () => ({ draining: false })).draining = false;
});

describe.each(providers)("readiness (/readyz) on %s", (name, fresh, skip) => {
  const provider = name === "SQLite" ? "sqlite" : "postgresql";

  it.skipIf(skip)("is ready with every migration applied, and says why not when one is missing", async () => {
    const { db, drop } = await fresh();
    try {
      await warmUp(db);
      expect(await readiness(db, provider)).toEqual({ ready: true, cacheChannel: "off" });
      const [last] = await db.$queryRawUnsafe<{ migration_name: string }[]>(
        "SELECT migration_name FROM _prisma_migrations ORDER BY migration_name DESC LIMIT 1",
      );
      await db.$executeRawUnsafe(`DELETE FROM _prisma_migrations WHERE migration_name = '${last.migration_name}'`);
      const result = await readiness(db, provider);
      expect(result.ready).toBe(false);
      expect(result.reason).toBe(`1 migration(s) not applied (${last.migration_name}): run npm run db:migrate`);
      await db.$executeRawUnsafe("DROP TABLE _prisma_migrations");
      expect((await readiness(db, provider)).reason).toBe(
        "the database has no migrations applied: run npm run db:migrate",
      );
    } finally {
      await drop();
    }
  });

  it.skipIf(skip)("is not ready while the server stops", async () => {
    const { db, drop } = await fresh();
    try {
      startDraining();
      expect(await readiness(db, provider)).toMatchObject({ ready: false, reason: "shutting down" });
    } finally {
      await drop();
    }
  });
});

describe("readiness without a database", () => {
  it("says the database cannot be reached, without the driver's message", async () => {
    const db = createDb("postgres://marginalia:secret@127.0.0.1:9/nowhere");
    try {
      // As the server does at start: the client's first query, which loads its compiler.
      await warmUp(db);
      // A refused connection is an answer: "cannot be reached", not the timeout's wording.
      const result = await readiness(db, "postgresql");
      expect(result).toEqual({ ready: false, reason: "the database cannot be reached", cacheChannel: "off" });
      expect(JSON.stringify(result)).not.toMatch(/secret|127\.0\.0\.1|ECONNREFUSED/);
    } finally {
      await db.$disconnect();
    }
  });
});

describe("readiness right after a start", () => {
  it("answers 'starting' while the client's first query is under way, never a timeout", async () => {
    // A client still loading (its compiler, its first connection on a busy machine): its first
    // query takes longer than the check may wait.
    let finish = () => {};
    const loading = new Promise<never[]>((resolve) => (finish = () => resolve([])));
    const db = { $queryRaw: () => loading } as unknown as Db;
    const started = performance.now();
    expect(await readiness(db, "sqlite")).toEqual({ ready: false, reason: "starting", cacheChannel: "off" });
    expect(performance.now() - started).toBeGreaterThanOrEqual(READY_TIMEOUT_MS - 50);
    // Once it has answered, the check is the real one: here, no migrations applied at all.
    finish();
    await warmUp(db);
    expect((await readiness(db, "sqlite")).reason).toMatch(/^\d+ migration\(s\) not applied/);
  });
});
