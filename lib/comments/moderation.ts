import "server-only";
import { randomUUID } from "node:crypto";
import { db as defaultDb, isPostgres, type Db } from "../server/db";
import { broadcastRulesChanged, rulesEpoch } from "../server/cache-channel";
import { Prisma } from "../generated/sqlite/client";
import { BLOCK_KINDS, type BlockRule } from "./blocklist";
import type { CommentStatus } from "./store";
import { processWide } from "../process-wide";

// The rows of the author's moderation beyond lib/comments/store/'s approve/hide/delete: pins
// (first in every sort), locked discussions (no new comments or replies), bans and blocklists, and
// the moderation list of /admin. Changes go through lib/comments/service/, which holds the rules
// and drops the cached pages they change.

/** Pins or unpins a comment; false when there is no such comment. */
export async function setPinned(id: string, pinned: boolean, db: Db = defaultDb()): Promise<boolean> {
  const { count } = await db.comment.updateMany({ where: { id, deletedAt: null }, data: { pinned } });
  return count > 0;
}

/**
 * Whether this browser has a published comment, for COMMENTS_MODERATION=first (as WordPress's
 * "comment author must have a previously approved comment", by the browser's signed id).
 */
// Both are asked on every post (the first under first-comment moderation): finding one row costs
// Prisma less than counting them.
export async function hasApprovedComment(browserId: string, db: Db = defaultDb()): Promise<boolean> {
  const approved = await db.comment.findFirst({
    where: { browserId, status: "published", deletedAt: null },
    select: { id: true },
  });
  return approved !== null;
}

// ---- What every post is checked against: the locked discussions and the blocklist ----

// Read for every comment and changed by the author's hand, a few times a month: kept in memory,
// read again after each change made here and after RULES_KEPT_MS (a database changed from outside:
// a restore). On SQLite this process is the only server. On PostgreSQL other instances change them
// too: they are kept only while the page cache's channel listens, which carries every instance's
// changes (lib/server/cache-channel.ts), and read every time otherwise. The channel's word arrives
// a moment after the change: in between, a post would meet the old rules. So every change also
// counts up RulesVersion, which each post's rate-limit place reads in its own round trip
// (rulesReadWith): rules kept from before that version are read again.
type Rules = { locks: Set<string>; blocks: BlockRule[] };
type Kept = { rules: Promise<Rules>; at: number; epoch: number; version: number };
const RULES_KEPT_MS = 5_000;
// The routes, the actions and server.ts's lane are bundled apart but share the database client.
const keptRules = processWide("moderation-rules", () => new WeakMap<Db, Kept>());
const newestVersion = processWide("moderation-rules-version", () => new WeakMap<Db, number>());

/** The rules' version a post's place read (null: SQLite's, where this process makes every change). */
export function rulesReadWith(db: Db, version: number | null): void {
  if (version !== null && version > (newestVersion.get(db) ?? 0)) newestVersion.set(db, version);
}

async function readBlocks(db: Db, now: Date): Promise<BlockRule[]> {
  const rows = await db.block.findMany({
    where: { kind: MODERATION_KINDS, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] },
    take: MAX_BLOCKS,
  });
  return rows.map(asRule);
}

async function readRules(db: Db, now: Date): Promise<Rules> {
  const [locks, blocks] = await Promise.all([
    db.threadLock.findMany({ select: { articleSlug: true } }),
    readBlocks(db, now),
  ]);
  return { locks: new Set(locks.map((lock) => lock.articleSlug)), blocks };
}

/** The kept rules, blocks that ended since they were read left out; null where none may be kept. */
async function keptRulesOf(db: Db, now: Date): Promise<Rules | null> {
  // Taken before the read: a change heard while it runs makes the next post read again.
  const epoch = isPostgres(db) ? rulesEpoch() : 0;
  if (epoch === null) return null;
  const version = newestVersion.get(db) ?? 0;
  let kept = keptRules.get(db);
  if (!kept || kept.epoch !== epoch || kept.version < version || Date.now() - kept.at > RULES_KEPT_MS) {
    const entry: Kept = { rules: readRules(db, now), at: Date.now(), epoch, version };
    keptRules.set(db, entry);
    entry.rules.catch(() => keptRules.get(db) === entry && keptRules.delete(db));
    kept = entry;
  }
  const rules = await kept.rules;
  return { locks: rules.locks, blocks: rules.blocks.filter((rule) => !rule.expiresAt || rule.expiresAt > now) };
}

/**
 * After a change to the locks or the blocklist: the next post reads them again, here and on the
 * other instances, which have been told when this resolves (so the author's next step, on any
 * instance, meets the change).
 */
export async function rulesChanged(db: Db): Promise<void> {
  keptRules.delete(db);
  if (!isPostgres(db)) return;
  await db.$executeRaw`INSERT INTO "RulesVersion" ("id", "version") VALUES (1, 1)
    ON CONFLICT ("id") DO UPDATE SET "version" = "RulesVersion"."version" + 1`;
  await broadcastRulesChanged();
}

export async function isThreadLocked(slug: string, db: Db = defaultDb()): Promise<boolean> {
  const kept = await keptRulesOf(db, new Date());
  if (kept) return kept.locks.has(slug);
  return (await db.threadLock.findUnique({ where: { articleSlug: slug }, select: { articleSlug: true } })) !== null;
}

export async function setThreadLocked(slug: string, locked: boolean, db: Db = defaultDb()): Promise<void> {
  try {
    if (locked) await db.threadLock.upsert({ where: { articleSlug: slug }, create: { articleSlug: slug }, update: {} });
    else await db.threadLock.deleteMany({ where: { articleSlug: slug } });
  } finally {
    await rulesChanged(db);
  }
}

// ---- Bans and blocklists (lib/comments/blocklist.ts matches them) ----

// The table also holds the mailboxes that asked never to be mailed (lib/mail/subscriptions.ts):
// not the moderator's entries, never matched against a comment, not counted against MAX_BLOCKS.
const MODERATION_KINDS = { in: [...BLOCK_KINDS] };

const asRule = (row: {
  id: string;
  kind: string;
  value: string;
  action: string;
  note: string | null;
  expiresAt: Date | null;
}): BlockRule => row as BlockRule;

/** Every entry, newest first, expired ones too (the admin shows them as ended). */
export async function listBlocks(db: Db = defaultDb()): Promise<(BlockRule & { createdAt: Date })[]> {
  const rows = await db.block.findMany({
    where: { kind: MODERATION_KINDS },
    orderBy: [{ createdAt: "desc" }, { id: "asc" }],
    take: MAX_BLOCKS,
  });
  return rows.map((row) => ({ ...asRule(row), createdAt: row.createdAt }));
}

/** The most entries kept: each comment is matched against all of them. */
export const MAX_BLOCKS = 5_000;

/** The entries in force now, for matching a comment. */
export async function activeBlocks(db: Db = defaultDb(), now = new Date()): Promise<BlockRule[]> {
  return (await keptRulesOf(db, now))?.blocks ?? readBlocks(db, now);
}

export async function countBlocks(db: Db = defaultDb()): Promise<number> {
  return db.block.count({ where: { kind: MODERATION_KINDS } });
}

/** Adds an entry, or changes the action, note and end of the one with the same kind and value. */
export async function saveBlock(
  entry: Omit<BlockRule, "id">,
  db: Db = defaultDb(),
  now = new Date(),
): Promise<BlockRule> {
  const data = {
    action: entry.action,
    note: entry.note ?? null,
    expiresAt: entry.expiresAt ?? null,
  };
  try {
    const row = await db.block.upsert({
      where: { kind_value: { kind: entry.kind, value: entry.value } },
      create: { id: randomUUID(), kind: entry.kind, value: entry.value, ...data, createdAt: now },
      update: data,
    });
    return asRule(row);
  } finally {
    await rulesChanged(db);
  }
}

/** Removes an entry; false when there was none. */
export async function deleteBlock(id: string, db: Db = defaultDb()): Promise<boolean> {
  try {
    return (await db.block.deleteMany({ where: { id } })).count > 0;
  } finally {
    await rulesChanged(db);
  }
}

/** Who wrote a comment, as far as bans go: for "Ban author" on the article page. */
export async function banTarget(id: string, db: Db = defaultDb()) {
  const row = await db.comment.findFirst({
    where: { id, deletedAt: null },
    select: { id: true, articleSlug: true, authorName: true, authorIp: true, browserId: true, byAuthor: true },
  });
  if (!row) return null;
  const sameAuthor = authorWhere(row.browserId, row.authorIp);
  const others = sameAuthor
    ? await db.comment.count({
        where: { ...sameAuthor, id: { not: id }, deletedAt: null, status: { in: ["published", "pending"] } },
      })
    : 0;
  return { ...row, others };
}

export type BanTarget = NonNullable<Awaited<ReturnType<typeof banTarget>>>;

/** Comments from this browser or this address; null when neither is known. */
function authorWhere(browserId: string | null, ip: string | null) {
  const or = [...(browserId ? [{ browserId }] : []), ...(ip && ip !== "unknown" ? [{ authorIp: ip }] : [])];
  return or.length ? { OR: or } : null;
}

/**
 * Moves a banned author's published and waiting comments into the shadow: this one, and those from
 * the same browser or address. How many moved.
 */
export async function shadowAuthorComments(
  author: { commentId: string; browserId: string | null; ip: string | null },
  db: Db = defaultDb(),
): Promise<number> {
  const same = authorWhere(author.browserId, author.ip);
  const { count } = await db.comment.updateMany({
    where: {
      OR: [{ id: author.commentId }, ...(same?.OR ?? [])],
      deletedAt: null,
      status: { in: ["published", "pending"] },
    },
    data: { status: "shadow" },
  });
  return count;
}

// ---- The moderation list in /admin ----

export type ModerationFilter = {
  /** Words looked for in the name and the text, case aside. */
  q?: string;
  status?: CommentStatus;
  slug?: string;
  flagged?: boolean;
};

export const MODERATION_PAGE_SIZES = [20, 50, 100] as const;

/** Whether a client is the PostgreSQL one: SQLite's LIKE is case-blind already, PostgreSQL's is not. */
const onPostgres = (db: Db) => (db as unknown as { _activeProvider?: string })._activeProvider === "postgresql";

// A search is for the text as typed: LIKE's wildcards (% and _) in it are characters. PostgreSQL
// takes them escaped with a backslash; SQLite's LIKE, as Prisma writes it, has no escape
// character, so there a search holding one is answered with instr() in SQL of our own.
const WILDCARD = /[%_\\]/;
const literalSqlite = (filter: ModerationFilter, db: Db) =>
  Boolean(filter.q?.trim() && WILDCARD.test(filter.q) && !onPostgres(db));

function moderationWhere(filter: ModerationFilter, db: Db) {
  const q = filter.q?.trim();
  const postgres = onPostgres(db);
  const text = postgres ? q?.replace(/[%_\\]/g, "\\$&") : q;
  const mode = postgres ? { mode: "insensitive" as const } : {};
  return {
    deletedAt: null,
    ...(filter.status ? { status: filter.status } : {}),
    ...(filter.slug ? { articleSlug: filter.slug } : {}),
    ...(filter.flagged ? { flags: { not: null } } : {}),
    ...(text ? { OR: [{ authorName: { contains: text, ...mode } }, { body: { contains: text, ...mode } }] } : {}),
  };
}

function sqliteWhere(filter: ModerationFilter): Prisma.Sql {
  const q = filter.q!.trim();
  return Prisma.join(
    [
      Prisma.sql`"deletedAt" IS NULL`,
      Prisma.sql`(instr(lower("authorName"), lower(${q})) > 0 OR instr(lower("body"), lower(${q})) > 0)`,
      ...(filter.status ? [Prisma.sql`"status" = ${filter.status}`] : []),
      ...(filter.slug ? [Prisma.sql`"articleSlug" = ${filter.slug}`] : []),
      ...(filter.flagged ? [Prisma.sql`"flags" IS NOT NULL`] : []),
    ],
    " AND ",
  );
}

const moderationSelect = {
  id: true,
  articleSlug: true,
  parentId: true,
  replyToName: true,
  authorName: true,
  authorUrl: true,
  body: true,
  status: true,
  createdAt: true,
  editedAt: true,
  flags: true,
  pinned: true,
  byAuthor: true,
  authorIp: true,
  browserId: true,
} as const;

/** One page of comments across every article, newest first, with what the moderator needs to judge them. */
export async function listForModeration(
  filter: ModerationFilter,
  page: { number: number; size: number },
  db: Db = defaultDb(),
) {
  const skip = (page.number - 1) * page.size;
  if (literalSqlite(filter, db)) {
    const where = sqliteWhere(filter);
    const [[{ n }], ids] = await Promise.all([
      db.$queryRaw<{ n: number | bigint }[]>(Prisma.sql`SELECT COUNT(*) AS n FROM "Comment" WHERE ${where}`),
      db.$queryRaw<{ id: string }[]>(
        Prisma.sql`SELECT "id" FROM "Comment" WHERE ${where} ORDER BY "createdAt" DESC, "id" DESC LIMIT ${page.size} OFFSET ${skip}`,
      ),
    ]);
    const rows = await db.comment.findMany({ where: { id: { in: ids.map((r) => r.id) } }, select: moderationSelect });
    const order = new Map(ids.map((r, i) => [r.id, i]));
    return { total: Number(n), rows: rows.sort((a, b) => order.get(a.id)! - order.get(b.id)!) };
  }
  const where = moderationWhere(filter, db);
  const [total, rows] = await Promise.all([
    db.comment.count({ where }),
    db.comment.findMany({
      where,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      skip,
      take: page.size,
      select: moderationSelect,
    }),
  ]);
  return { total, rows };
}

export type ModerationRow = Awaited<ReturnType<typeof listForModeration>>["rows"][number];

/**
 * The counts beside the filters, for the rest of the filter as it stands: per state (with the
 * search, article and "flagged"), and flagged (with the search, article and state).
 */
export async function moderationCounts(filter: ModerationFilter, db: Db = defaultDb()) {
  const states = { ...filter, status: undefined };
  const flaggedToo = { ...filter, flagged: true };
  let groups: { status: string; n: number }[];
  let flagged: number;
  if (literalSqlite(filter, db)) {
    const [rows, [{ n }]] = await Promise.all([
      db.$queryRaw<{ status: string; n: number | bigint }[]>(
        Prisma.sql`SELECT "status", COUNT(*) AS n FROM "Comment" WHERE ${sqliteWhere(states)} GROUP BY "status"`,
      ),
      db.$queryRaw<{ n: number | bigint }[]>(
        Prisma.sql`SELECT COUNT(*) AS n FROM "Comment" WHERE ${sqliteWhere(flaggedToo)}`,
      ),
    ]);
    groups = rows.map((row) => ({ status: row.status, n: Number(row.n) }));
    flagged = Number(n);
  } else {
    const [rows, count] = await Promise.all([
      db.comment.groupBy({ by: ["status"], where: moderationWhere(states, db), _count: { _all: true } }),
      db.comment.count({ where: moderationWhere(flaggedToo, db) }),
    ]);
    groups = rows.map((row) => ({ status: row.status, n: row._count._all }));
    flagged = count;
  }
  const byStatus = Object.fromEntries(groups.map((g) => [g.status, g.n])) as Partial<Record<CommentStatus, number>>;
  return { byStatus, all: groups.reduce((sum, g) => sum + g.n, 0), flagged };
}

/** The articles that have comments, with how many (every state), for the article filter. */
export async function commentedArticles(db: Db = defaultDb()): Promise<{ slug: string; count: number }[]> {
  const groups = await db.comment.groupBy({
    by: ["articleSlug"],
    where: { deletedAt: null },
    _count: { _all: true },
    orderBy: { articleSlug: "asc" },
  });
  return groups.map((g) => ({ slug: g.articleSlug, count: g._count._all }));
}
