import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { resolveDatabaseTarget } from "@/lib/server/database-url";
import { createDb, type Db } from "@/lib/server/db";
import { attemptLogin, sessionActive } from "@/lib/server/admin";
import { issueMailToken, readMailToken, redeemMailToken } from "@/lib/mail/subscriptions";
import { applyMigrations } from "@/scripts/lib/migrations";
import { backupDatabase, backupKind, libpqEnvironment, pgTool, restoreDatabase } from "@/scripts/lib/backup";
import { createTemporaryDatabase } from "@/scripts/lib/schema-engine";
import { POSTGRES_SERVER_URL, providers } from "../support/databases";

// `npm run db:backup` and `db:restore` (scripts/lib/backup.ts) on real databases; under load, and
// against two instances, in the reliability suite (tests/reliability/scale.ts).

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "marginalia-backup-test-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function seed(db: Db) {
  for (let i = 0; i < 30; i++) {
    const id = `c${i}`;
    await db.comment.create({
      data: {
        id,
        articleSlug: "a",
        rootId: "c0",
        parentId: i ? "c0" : null,
        authorName: `R${i}`,
        body: `b ${i} ✓`,
        status: "published",
      },
    });
  }
  await db.reaction.create({ data: { commentId: "c1", voterId: "v1" } });
}

const rows = async (db: Db) => ({
  comments: await db.comment.findMany({ orderBy: { id: "asc" } }),
  reactions: await db.reaction.findMany({ orderBy: { commentId: "asc" } }),
});

const pgDump = await pgTool("pg_dump");

describe.each(providers)("backup and restore on %s", (name, fresh, skip) => {
  const skipped = skip ?? (name === "PostgreSQL" && !pgDump ? "pg_dump is not installed" : null);

  it.skipIf(skipped)("restores a backup into an empty database, row for row, and refuses one with rows", async () => {
    const source = await fresh();
    const empty = name === "SQLite" ? null : await createTemporaryDatabase(POSTGRES_SERVER_URL, "marginalia_restore");
    const targetUrl = empty?.url ?? `file:${path.join(dir, `restored-${Date.now()}.db`)}`;
    try {
      await seed(source.db);
      const file = path.join(dir, `backup-${name}-${Date.now()}`);
      const backup = await backupDatabase(resolveDatabaseTarget(source.url), file);
      expect(backupKind(file)).toBe(name === "SQLite" ? "sqlite" : "postgresql");
      expect(backup.bytes).toBeGreaterThan(0);
      if (backup.counts) expect(backup.counts).toMatchObject({ Comment: 30, Reaction: 1 });
      await expect(backupDatabase(resolveDatabaseTarget(source.url), file)).rejects.toThrow(/exists already/);
      expect(fs.readdirSync(dir).filter((entry) => entry.includes(".partial-"))).toEqual([]);

      // Into a database `npm start` migrated but nobody used: fine.
      await applyMigrations(resolveDatabaseTarget(targetUrl));
      const restored = await restoreDatabase(resolveDatabaseTarget(targetUrl), file);
      expect(restored.counts).toMatchObject({ Comment: 30, Reaction: 1 });
      const copy = createDb(targetUrl);
      try {
        expect(await rows(copy)).toEqual(await rows(source.db));
      } finally {
        await copy.$disconnect();
      }
      await expect(restoreDatabase(resolveDatabaseTarget(targetUrl), file)).rejects.toThrow(
        /^Refused: .* is not empty \(.*Comment.*\)/,
      );
      await expect(restoreDatabase(resolveDatabaseTarget(source.url), file)).rejects.toThrow(/not empty/);
    } finally {
      await source.drop();
      await empty?.drop();
    }
  });
});

describe.each(providers)("a restored site on %s", (name, fresh, skip) => {
  const skipped = skip ?? (name === "PostgreSQL" && !pgDump ? "pg_dump is not installed" : null);
  afterEach(() => vi.unstubAllEnvs());

  it.skipIf(skipped)("asks the author to sign in again, and takes no one-time link back", async () => {
    vi.stubEnv("ADMIN_PASSWORD", "correct horse battery staple");
    const source = await fresh();
    const empty = name === "SQLite" ? null : await createTemporaryDatabase(POSTGRES_SERVER_URL, "marginalia_restore");
    const targetUrl = empty?.url ?? `file:${path.join(dir, `signed-out-${Date.now()}.db`)}`;
    try {
      const login = await attemptLogin(
        "correct horse battery staple",
        "10.0.0.1",
        source.db,
        new Date(),
        async () => {},
      );
      if (login.kind !== "ok") throw new Error(`not signed in: ${login.kind}`);
      const unused = await issueMailToken(source.db, "confirm", "subscriber-1");
      const used = await issueMailToken(source.db, "approve", "comment-1");
      expect((await redeemMailToken(source.db, used)).kind).toBe("ok");
      const file = path.join(dir, `signed-in-${name}-${Date.now()}`);
      await backupDatabase(resolveDatabaseTarget(source.url), file);

      const restored = await restoreDatabase(resolveDatabaseTarget(targetUrl), file);
      expect(restored.signedOut).toEqual({ sessions: 1, links: 1 });
      expect(restored.counts).toMatchObject({ AdminSession: 0, MailToken: 2 });
      const copy = createDb(targetUrl);
      try {
        // The backup's cookie opens /admin on the site it came from, not on the restored one.
        expect(await sessionActive(login.session, source.db)).toBe(true);
        expect(await sessionActive(login.session, copy)).toBe(false);
        // A link unused when the backup was made says it has expired (and how to get another);
        // one used before still says so.
        expect((await readMailToken(source.db, unused)).kind).toBe("ok");
        expect((await redeemMailToken(copy, unused)).kind).toBe("expired");
        expect((await redeemMailToken(copy, used)).kind).toBe("used");
      } finally {
        await copy.$disconnect();
      }
    } finally {
      await source.drop();
      await empty?.drop();
    }
  });
});

describe("what backups refuse and how they reach PostgreSQL", () => {
  it("refuses a backup of the other engine, and a file that is no backup", async () => {
    const sqliteFile = path.join(dir, "not-a-dump.db");
    fs.writeFileSync(sqliteFile, "SQLite format 3\0 and then nothing");
    await expect(restoreDatabase(resolveDatabaseTarget("postgres://u@127.0.0.1:9/x"), sqliteFile)).rejects.toThrow(
      /is a SQLite backup, but DATABASE_URL is PostgreSQL: to move between engines, use the JSON export/,
    );
    const junk = path.join(dir, "junk.bin");
    fs.writeFileSync(junk, "hello");
    await expect(restoreDatabase(resolveDatabaseTarget(`file:${path.join(dir, "x.db")}`), junk)).rejects.toThrow(
      /neither a SQLite database nor a pg_dump custom archive/,
    );
  });

  it("passes the password to pg_dump in its environment, never on its command line", () => {
    expect(
      libpqEnvironment("postgres://mar%40gin:p%40ss%3Aword@db.example:6543/blog%20db?sslmode=require&schema=public"),
    ).toEqual({
      PGHOST: "db.example",
      PGPORT: "6543",
      PGUSER: "mar@gin",
      PGPASSWORD: "p@ss:word",
      PGDATABASE: "blog db",
      PGSSLMODE: "require",
    });
    expect(libpqEnvironment("postgresql://u@[::1]/x")).toMatchObject({ PGHOST: "::1", PGDATABASE: "x" });
  });

  it("npm run db:backup into a folder names the file, and says what it wrote", async () => {
    const source = await providers[0][1]();
    try {
      const folder = path.join(dir, "nightly");
      fs.mkdirSync(folder);
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ["--import", "tsx", "scripts/db-backup.ts", `${folder}/`],
        { env: { ...process.env, DATABASE_URL: source.url } },
      );
      const [written] = fs.readdirSync(folder);
      expect(written).toMatch(/^marginalia-\d{8}T\d{6}Z\.db$/);
      expect(stdout).toMatch(
        new RegExp(`Backed up SQLite .* to ${folder}/${written} \\(\\d+ KB in [\\d.]+ s\\): 0 Comment\\.`),
      );
    } finally {
      await source.drop();
    }
  });
});
