import "server-only";
import { db as defaultDb, isPostgres, type Db } from "./db";

export type Window = { limit: number; seconds: number };
/** What counting needs: a client, or a transaction (a confirmation mail's place is taken in the comment's own). */
export type HitStore = Pick<Db, "rateLimitHit" | "$queryRaw">;
export type RateLimitResult = { ok: true } | { ok: false; retryAfterSeconds: number };
/**
 * A place taken, with `earlier`: when the key's other hits of the longest window were made, newest
 * first (all of them: had there been more than the largest limit, no place would have been left);
 * and on PostgreSQL the comment rules' version, read in the same round trip (RulesVersion in the
 * schema says why); null on SQLite.
 */
export type Place = { earlier: Date[]; rulesVersion: number | null };
export type Reservation =
  ({ ok: true; release: () => Promise<void> } & Place) | { ok: false; retryAfterSeconds: number };

/**
 * Takes one of `key`'s places unless a window is full. Hits are rows in the database, so every app
 * instance sees the same counts; requests arriving together (on one instance or several) must not
 * all pass a count that none of them has joined yet. On PostgreSQL the count and the new hit are one
 * call of a function under an advisory lock of the key (its migrations, 20261203130000 and
 * 20261207005657, say how); SQLite has one writer, so a hit is written first and counts only the
 * hits written before it (ids grow in the order they were written). `release` gives the place back
 * (the request turned out not to count: a duplicate). A `submission` that already holds a place in
 * the window gets that place again, not another: a comment judged twice counts once.
 */
export async function reserve(
  key: string,
  windows: Window[],
  db: HitStore = defaultDb(),
  now = new Date(),
  submission?: string,
): Promise<Reservation> {
  const placed = isPostgres(db)
    ? await reserveOnPostgres(key, windows, db, now, submission)
    : await reserveOnSqlite(key, windows, db, now, submission);
  if ("retryAfterSeconds" in placed) return placed;
  return {
    ok: true,
    // A place held already is the first judgement's: only that one gives it back.
    release: placed.held
      ? async () => {}
      : async () => void (await db.rateLimitHit.deleteMany({ where: { id: placed.id } })),
    earlier: placed.earlier,
    rulesVersion: placed.rulesVersion,
  };
}

/**
 * Runs `request` in a place reserved under `key` (given the key's earlier hits), or answers
 * rate-limited. The place is given back when `counts` says the outcome does not count (a
 * duplicate), or when `request` throws.
 */
export async function withinLimit<T>(
  key: string,
  windows: Window[],
  db: Db,
  request: (place: Place) => Promise<T>,
  counts: (result: T) => boolean,
  submission?: string,
): Promise<T | { kind: "rate-limited"; retryAfterSeconds: number }> {
  const place = await reserve(key, windows, db, new Date(), submission);
  if (!place.ok) return { kind: "rate-limited", retryAfterSeconds: place.retryAfterSeconds };
  let result: T;
  try {
    result = await request(place);
  } catch (error) {
    await place.release();
    throw error;
  }
  if (!counts(result)) await place.release();
  return result;
}

/** Counts one request under `key` unless a window is already full (a reservation kept). */
export async function consume(
  key: string,
  windows: Window[],
  db: HitStore = defaultDb(),
  now = new Date(),
): Promise<RateLimitResult> {
  const reservation = await reserve(key, windows, db, now);
  return reservation.ok ? { ok: true } : reservation;
}

/** Whether `key` may make another request, without counting one; `before`: only hits written before that one. */
export async function check(
  key: string,
  windows: Window[],
  db: Db = defaultDb(),
  now = new Date(),
  before?: number,
): Promise<RateLimitResult> {
  return verdict(await hitsOf(key, windows, db, now, before), windows, now);
}

type Placed = ({ id: number; held: boolean } & Place) | { ok: false; retryAfterSeconds: number };

/** One round trip: the function reads the key's hits and adds one when every window has a place. */
async function reserveOnPostgres(
  key: string,
  windows: Window[],
  db: HitStore,
  now: Date,
  submission?: string,
): Promise<Placed> {
  checkWindows(windows);
  const [placed] = await db.$queryRaw<{ id: number | null; earlier: Date[]; rulesVersion: number; held: boolean }[]>`
    SELECT * FROM "reserveRateLimitHit"(${key}, ${now}::timestamp(3), ${largestLimit(windows)}::integer,
      ${windows.map((w) => w.limit)}::integer[], ${windows.map((w) => w.seconds)}::integer[], ${submission ?? null}::text)`;
  await prune(db, now);
  // No hit added: the function found a window full, as verdict() counts it.
  if (placed.id === null) return verdict(placed.earlier, windows, now) as { ok: false; retryAfterSeconds: number };
  return placed as { id: number; held: boolean } & Place;
}

/** The hit first, then the hits written before it: one writer at a time, so none is missed. */
async function reserveOnSqlite(
  key: string,
  windows: Window[],
  db: HitStore,
  now: Date,
  submission?: string,
): Promise<Placed> {
  const held =
    submission === undefined
      ? null
      : await db.rateLimitHit.findFirst({
          where: { key, submission, createdAt: { gt: new Date(now.getTime() - longestSeconds(windows) * 1000) } },
          orderBy: { id: "asc" },
          select: { id: true },
        });
  if (held) return { ...held, held: true, earlier: await hitsOf(key, windows, db, now, held.id), rulesVersion: null };
  const hit = await record(key, windows, db, now, submission);
  const earlier = await hitsOf(key, windows, db, now, hit.id);
  const full = verdict(earlier, windows, now);
  if (full.ok) return { ...hit, held: false, earlier, rulesVersion: null };
  await db.rateLimitHit.deleteMany({ where: { id: hit.id } });
  return full;
}

/** One query for every window: the newest hits of the longest window, as many as the largest limit. */
async function hitsOf(key: string, windows: Window[], db: HitStore, now: Date, before?: number): Promise<Date[]> {
  const hits = await db.rateLimitHit.findMany({
    where: {
      key,
      createdAt: { gt: new Date(now.getTime() - longestSeconds(windows) * 1000) },
      ...(before === undefined ? {} : { id: { lt: before } }),
    },
    orderBy: { createdAt: "desc" },
    take: largestLimit(windows),
    select: { createdAt: true },
  });
  return hits.map((hit) => hit.createdAt);
}

/** Whether `hits` (newest first) leave a place in every window. */
function verdict(hits: Date[], windows: Window[], now: Date): RateLimitResult {
  let retryAfterSeconds = 0;
  for (const { limit, seconds } of windows) {
    const since = now.getTime() - seconds * 1000;
    const inWindow = hits.filter((hit) => hit.getTime() > since);
    if (inWindow.length >= limit) {
      // Free again when the oldest hit that fills the window leaves it.
      const freedAt = inWindow[limit - 1].getTime() + seconds * 1000;
      retryAfterSeconds = Math.max(retryAfterSeconds, Math.ceil((freedAt - now.getTime()) / 1000));
    }
  }
  return retryAfterSeconds > 0 ? { ok: false, retryAfterSeconds } : { ok: true };
}

// Every window is at most a day long; hits older than that count for nothing.
const KEPT_MS = 24 * 60 * 60 * 1000;
const PRUNE_EVERY_MS = 60_000;
let prunedAt = 0;

const largestLimit = (windows: Window[]) => Math.max(...windows.map((w) => w.limit));
const longestSeconds = (windows: Window[]) => Math.max(...windows.map((w) => w.seconds));

function checkWindows(windows: Window[]): void {
  if (windows.some((w) => w.seconds * 1000 > KEPT_MS)) throw new Error("rate-limit windows are at most a day long");
}

/** About once a minute, deletes every key's expired hits. */
async function prune(db: HitStore, now: Date): Promise<void> {
  if (now.getTime() - prunedAt <= PRUNE_EVERY_MS) return;
  prunedAt = now.getTime();
  await db.rateLimitHit.deleteMany({ where: { createdAt: { lte: new Date(now.getTime() - KEPT_MS) } } });
}

/** Counts one request under `key`; about once a minute, also deletes every key's expired hits. */
export async function record(
  key: string,
  windows: Window[],
  db: HitStore = defaultDb(),
  now = new Date(),
  submission?: string,
): Promise<{ id: number }> {
  checkWindows(windows);
  const hit = await db.rateLimitHit.create({ data: { key, createdAt: now, submission }, select: { id: true } });
  await prune(db, now);
  return hit;
}

/** Forgets `key`'s hits (a successful login clears its failures). */
export async function reset(key: string, db: Db = defaultDb()): Promise<void> {
  await db.rateLimitHit.deleteMany({ where: { key } });
}

/** How many hits `key` had in the last `seconds` (the admin's login slows down as they grow). */
export async function countHits(key: string, seconds: number, db: Db = defaultDb(), now = new Date()): Promise<number> {
  return db.rateLimitHit.count({ where: { key, createdAt: { gt: new Date(now.getTime() - seconds * 1000) } } });
}
