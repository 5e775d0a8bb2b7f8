import "server-only";
import { db as defaultDb, type Db } from "../server/db";

export type Window = { limit: number; seconds: number };
export type RateLimitResult = { ok: true } | { ok: false; retryAfterSeconds: number };

/**
 * Counts one request under `key` unless a window is already full. Hits are rows in the database,
 * so every app instance sees the same counts.
 */
export async function consume(
  key: string,
  windows: Window[],
  db: Db = defaultDb(),
  now = new Date(),
): Promise<RateLimitResult> {
  const result = await check(key, windows, db, now);
  if (result.ok) await record(key, windows, db, now);
  return result;
}

/** Whether `key` may make another request, without counting one. */
export async function check(
  key: string,
  windows: Window[],
  db: Db = defaultDb(),
  now = new Date(),
): Promise<RateLimitResult> {
  // One query for every window: the newest hits of the longest window, as many as the largest limit.
  const longest = Math.max(...windows.map((w) => w.seconds));
  const hits = await db.rateLimitHit.findMany({
    where: { key, createdAt: { gt: new Date(now.getTime() - longest * 1000) } },
    orderBy: { createdAt: "desc" },
    take: Math.max(...windows.map((w) => w.limit)),
    select: { createdAt: true },
  });
  let retryAfterSeconds = 0;
  for (const { limit, seconds } of windows) {
    const since = now.getTime() - seconds * 1000;
    const inWindow = hits.filter((hit) => hit.createdAt.getTime() > since);
    if (inWindow.length >= limit) {
      // Free again when the oldest hit that fills the window leaves it.
      const freedAt = inWindow[limit - 1].createdAt.getTime() + seconds * 1000;
      retryAfterSeconds = Math.max(retryAfterSeconds, Math.ceil((freedAt - now.getTime()) / 1000));
    }
  }
  return retryAfterSeconds > 0 ? { ok: false, retryAfterSeconds } : { ok: true };
}

// Every window is at most a day long; hits older than that count for nothing.
const KEPT_MS = 24 * 60 * 60 * 1000;
const PRUNE_EVERY_MS = 60_000;
let prunedAt = 0;

/** Counts one request under `key`; about once a minute, also deletes every key's expired hits. */
export async function record(key: string, windows: Window[], db: Db = defaultDb(), now = new Date()): Promise<void> {
  if (windows.some((w) => w.seconds * 1000 > KEPT_MS)) throw new Error("rate-limit windows are at most a day long");
  await db.rateLimitHit.create({ data: { key, createdAt: now } });
  if (now.getTime() - prunedAt > PRUNE_EVERY_MS) {
    prunedAt = now.getTime();
    await db.rateLimitHit.deleteMany({ where: { createdAt: { lte: new Date(now.getTime() - KEPT_MS) } } });
  }
}

/** Forgets `key`'s hits (a successful login clears its failures). */
export async function reset(key: string, db: Db = defaultDb()): Promise<void> {
  await db.rateLimitHit.deleteMany({ where: { key } });
}

/** How many hits `key` had in the last `seconds` (the admin's login slows down as they grow). */
export async function countHits(key: string, seconds: number, db: Db = defaultDb(), now = new Date()): Promise<number> {
  return db.rateLimitHit.count({ where: { key, createdAt: { gt: new Date(now.getTime() - seconds * 1000) } } });
}
