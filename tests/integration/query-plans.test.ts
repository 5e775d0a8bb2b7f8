// The queries every comment post makes answer from an index, on both databases: the plans of the
// exact SQL Prisma sends (captured from its query events), asked of SQLite (EXPLAIN QUERY PLAN) and
// PostgreSQL (EXPLAIN) on a discussion of a few thousand comments. The duplicate check once walked
// every comment of the article through the (articleSlug, parentId, createdAt) index: 14.9 ms per
// post at 51,000 comments, on the event loop.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient as SqliteClient } from "@/lib/generated/sqlite/client";
import { PrismaClient as PostgresClient } from "@/lib/generated/postgres/client";
import { countComments, createComment, earlierComments, listComments } from "@/lib/comments/store";
import { hasApprovedComment } from "@/lib/comments/moderation";
import { check, record } from "@/lib/server/rate-limit";
import { resolveDatabaseTarget } from "@/lib/server/database-url";
import type { Db } from "@/lib/server/db";
import { SqliteAdapter } from "@/lib/server/sqlite-adapter";
import { providers, withDatabase } from "../support/databases";

const SLUG = "a-busy-discussion";
const COMMENTS = 3_000;
const BROWSERS = 1_000;

type Query = { sql: string; params: unknown[] };

/** A client on the same database that reports every query it sends. */
function loggingClient(url: string, queries: Query[]): Db {
  const target = resolveDatabaseTarget(url);
  const log = [{ emit: "event" as const, level: "query" as const }];
  const client =
    target.provider === "postgresql"
      ? (new PostgresClient({
          adapter: new PrismaPg({ connectionString: target.url }),
          log,
        }) as unknown as SqliteClient)
      : new SqliteClient({ adapter: new SqliteAdapter({ url: target.file, timeout: 5_000 }), log });
  (
    client as unknown as { $on: (event: "query", listener: (e: { query: string; params: string }) => void) => void }
  ).$on("query", (event) => queries.push({ sql: event.query, params: JSON.parse(event.params) as unknown[] }));
  return client as unknown as Db;
}

/** How the database would run `query`: SQLite's plan lines, or PostgreSQL's plan nodes. */
async function plan(db: Db, provider: string, query: Query): Promise<string[]> {
  if (provider === "SQLite") {
    const rows = await db.$queryRawUnsafe<{ detail: string }[]>(`EXPLAIN QUERY PLAN ${query.sql}`, ...query.params);
    return rows.map((row) => row.detail);
  }
  const [row] = await db.$queryRawUnsafe<{ "QUERY PLAN": unknown }[]>(
    `EXPLAIN (FORMAT JSON) ${query.sql}`,
    ...query.params,
  );
  const nodes: string[] = [];
  const walk = (node: Record<string, unknown>) => {
    nodes.push(
      [node["Node Type"], node["Relation Name"], node["Index Name"], node["Index Cond"]].filter(Boolean).join(" "),
    );
    for (const child of (node.Plans as Record<string, unknown>[] | undefined) ?? []) walk(child);
  };
  walk((row["QUERY PLAN"] as { Plan: Record<string, unknown> }[])[0].Plan);
  return nodes;
}

/** Plans of what an action sends, and the check that each reads its table through index seeks. */
function planChecks(provider: string, client: () => Db, queries: Query[]) {
  /** The queries `action` sends whose SQL matches `pattern`, with their plans. */
  async function plansOf(action: () => Promise<unknown>, pattern: RegExp) {
    queries.length = 0;
    await action();
    const sent = queries.filter((q) => pattern.test(q.sql));
    expect(sent.length, `no query matched ${pattern}`).toBeGreaterThan(0);
    return Promise.all(sent.map(async (query) => ({ sql: query.sql, plan: await plan(client(), provider, query) })));
  }

  /** The table is read through index seeks only, never scanned: one on each of `seeks`' columns. */
  function expectSeek(plans: { sql: string; plan: string[] }[], table: string, ...seeks: string[][]) {
    for (const { sql, plan: lines } of plans) {
      const explained = `${sql}\n${lines.join("\n")}`;
      if (provider === "SQLite") {
        // Prisma's own queries name the schema (main.Comment), raw ones do not.
        const reads = lines.filter((line) => new RegExp(`^\\w+ (main\\.)?${table}\\b`).test(line));
        expect(reads.length, explained).toBeGreaterThan(0);
        for (const line of reads)
          expect(line, explained).toMatch(new RegExp(`^SEARCH (main\\.)?${table} USING (COVERING )?INDEX`));
        for (const columns of seeks)
          expect(
            reads.some((line) => columns.every((column) => new RegExp(`\\b${column}[=<>]`).test(line))),
            explained,
          ).toBe(true);
      } else {
        expect(
          lines.filter((line) => line.startsWith(`Seq Scan ${table}`)),
          explained,
        ).toEqual([]);
        const found = lines.filter((line) => /^(Index Scan|Index Only Scan|Bitmap Index Scan)/.test(line));
        for (const columns of seeks)
          expect(
            found.some((line) =>
              columns.every((column) => line.includes(`"${column}"`) || line.includes(`${column} `)),
            ),
            explained,
          ).toBe(true);
      }
    }
  }
  return { plansOf, expectSeek };
}

describe.each(providers)("query plans of a comment post on %s", (provider, open, skipReason) => {
  const database = withDatabase(open, skipReason);
  let db: Db;
  const queries: Query[] = [];

  beforeAll(async () => {
    if (skipReason) return;
    // Comments from many browsers, a few each, over several hours; published, like a real discussion.
    const start = Date.parse("2026-03-01T00:00:00Z");
    const rows = Array.from({ length: COMMENTS }, (_, i) => ({
      id: `c-${i}`,
      articleSlug: i % 10 === 0 ? "another-article" : SLUG,
      rootId: `c-${i}`,
      authorName: `Reader ${i % BROWSERS}`,
      body: `Comment ${i}`,
      browserId: `browser-${i % BROWSERS}`,
      createdAt: new Date(start + i * 10_000),
    }));
    for (let i = 0; i < rows.length; i += 500) await database.db.comment.createMany({ data: rows.slice(i, i + 500) });
    await database.db.$executeRawUnsafe(provider === "SQLite" ? "ANALYZE" : 'ANALYZE "Comment"');
    db = loggingClient(database.url, queries);
  });
  afterAll(async () => {
    await db?.$disconnect();
  });

  const { plansOf, expectSeek } = planChecks(provider, () => db, queries);

  it.skipIf(skipReason)("the duplicate check seeks the browser's comments of the last minute", async () => {
    const plans = await plansOf(
      () =>
        createComment(
          { slug: SLUG, name: "Ada", body: "Comment 2999", status: "published", browserId: "browser-999" },
          db,
          new Date("2026-03-01T08:20:00Z"),
        ),
      /browserId/,
    );
    const reads = plans.filter((p) => /^SELECT/.test(p.sql));
    expect(reads.length).toBe(1);
    expectSeek(reads, "Comment", ["browserId", "articleSlug", "createdAt"]);
  });

  it.skipIf(skipReason)(
    "the double post and the same text elsewhere are one query, each part an index seek",
    async () => {
      const plans = await plansOf(
        () =>
          earlierComments(
            {
              slug: SLUG,
              browserId: "browser-999",
              body: "Comment 2999",
              fingerprint: "a-fingerprint",
              sameTextSince: new Date("2026-02-22T08:20:00Z"),
            },
            db,
            new Date("2026-03-01T08:20:00Z"),
          ),
        /Comment/,
      );
      expect(plans.length).toBe(1);
      expectSeek(plans, "Comment", ["browserId", "articleSlug", "createdAt"], ["fingerprint"]);
    },
  );

  it.skipIf(skipReason)("first-comment moderation seeks the browser's comments", async () => {
    const plans = await plansOf(() => hasApprovedComment("browser-7", db), /browserId/);
    expectSeek(plans, "Comment", ["browserId"]);
  });

  it.skipIf(skipReason)("the rate limit seeks the address's hits", async () => {
    const windows = [{ limit: 5, seconds: 60 }];
    await record("comment:10.0.0.1", windows, db);
    const plans = await plansOf(() => check("comment:10.0.0.1", windows, db), /RateLimitHit/);
    expectSeek(plans, "RateLimitHit", ["key"]);
  });
});

// An article page's reads, on a database as a production server has it: SQLite without ANALYZE
// statistics (nothing runs it), where the planner counted an article's comments through the
// (status, createdAt) index, every published comment of the site (5–10 ms at 15,000 comments); and
// Prisma's `_count` of 👍 grouped every reaction of the site on each render.
describe.each(providers)("query plans of an article page on %s", (provider, open, skipReason) => {
  const database = withDatabase(open, skipReason);
  let db: Db;
  const queries: Query[] = [];
  const { plansOf, expectSeek } = planChecks(provider, () => db, queries);

  beforeAll(async () => {
    if (skipReason) return;
    // Thirty articles of a hundred comments, three in four replies, with 1 to 10 👍 each.
    const rows = Array.from({ length: COMMENTS }, (_, i) => {
      const root = i - (i % 4);
      return {
        id: `p-${i}`,
        articleSlug: `article-${Math.floor(i / 100)}`,
        parentId: i % 4 === 0 ? null : `p-${root}`,
        rootId: `p-${root}`,
        depth: i % 4 === 0 ? 1 : 2,
        authorName: `Reader ${i % BROWSERS}`,
        body: `Comment ${i}`,
        createdAt: new Date(Date.parse("2026-03-01T00:00:00Z") + i * 10_000),
      };
    });
    for (let i = 0; i < rows.length; i += 500) await database.db.comment.createMany({ data: rows.slice(i, i + 500) });
    const reactions = rows.flatMap((row, i) =>
      Array.from({ length: (i % 10) + 1 }, (_, k) => ({ commentId: row.id, voterId: `voter-${k}` })),
    );
    for (let i = 0; i < reactions.length; i += 500)
      await database.db.reaction.createMany({ data: reactions.slice(i, i + 500) });
    // On another article, one thread in two was deleted: its replies keep it in its place.
    const deleted = rows.filter(
      (row) => row.articleSlug === "article-8" && !row.parentId && Number(row.id.slice(2)) % 8 === 0,
    );
    await database.db.comment.updateMany({
      where: { id: { in: deleted.map((row) => row.id) } },
      data: { deletedAt: new Date("2026-03-02T00:00:00Z") },
    });
    // PostgreSQL gathers statistics by itself (autovacuum); SQLite is left as a server leaves it.
    if (provider !== "SQLite") {
      await database.db.$executeRawUnsafe('ANALYZE "Comment"');
      await database.db.$executeRawUnsafe('ANALYZE "Reaction"');
    }
    db = loggingClient(database.url, queries);
  });
  afterAll(async () => {
    await db?.$disconnect();
  });

  it.skipIf(skipReason)("the comment count seeks the article's published comments", async () => {
    const plans = await plansOf(() => countComments("article-7", db), /COUNT/i);
    // PostgreSQL, with its statistics, may seek the (articleSlug, parentId, createdAt) index as well.
    expectSeek(plans, "Comment", provider === "SQLite" ? ["articleSlug", "status"] : ["articleSlug"]);
    expect(await countComments("article-7", db)).toBe(100);
  });

  it.skipIf(skipReason)("a deleted thread's replies are sought within its article", async () => {
    const plans = await plansOf(() => listComments("article-8", { count: Promise.resolve(0) }, db), /EXISTS/);
    if (provider === "SQLite")
      for (const { sql, plan: lines } of plans)
        expect(
          lines.filter((line) => line.startsWith("SCAN")),
          `${sql}\n${lines.join("\n")}`,
        ).toEqual([]);
    else expectSeek(plans, "Comment", ["articleSlug"]);
    const page = await listComments("article-8", {}, db);
    expect(page.threads.filter((thread) => thread.placeholder === "deleted").length).toBe(13);
  });

  it.skipIf(skipReason)("the threads seek the article's, and their 👍 counts only theirs", async () => {
    const plans = await plansOf(() => listComments("article-7", { count: Promise.resolve(100) }, db), /Reaction/);
    // PostgreSQL scans a table this small (16,500 rows) rather than seek 100 ids; the query asks for them alone.
    if (provider === "SQLite") expectSeek(plans, "Reaction", ["commentId"]);
    else for (const { sql } of plans) expect(sql).toMatch(/"commentId" IN \(/);
    const page = await listComments("article-7", {}, db);
    expect(page.count).toBe(100);
    // p-700 has one 👍; p-702, a reply in its thread, three.
    expect(page.threads[0].reactions).toBe(1);
    expect(page.threads[0].replies.find((reply) => reply.id === "p-702")?.reactions).toBe(3);
  });
});
