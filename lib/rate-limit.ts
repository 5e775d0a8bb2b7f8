import "server-only";
import { db as defaultDb, type Db } from "./db";

export type Window = { limit: number; seconds: number };
export type RateLimitResult = { ok: true } | { ok: false; retryAfterSeconds: number };

/**
 * Counts one request under `key` unless a window is already full. Hits are rows in the database,
 * so every app instance sees the same counts; each call prunes the key's expired rows.
 */
export async function consume(key: string, windows: Window[], db: Db = defaultDb(), now = new Date()): Promise<RateLimitResult> {
  const result = await check(key, windows, db, now);
  if (result.ok) await record(key, windows, db, now);
  return result;
}

/** Whether `key` may make another request, without counting one. */
export async function check(key: string, windows: Window[], db: Db = defaultDb(), now = new Date()): Promise<RateLimitResult> {
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

/** Counts one request under `key`. */
export async function record(key: string, windows: Window[], db: Db = defaultDb(), now = new Date()): Promise<void> {
  const longest = Math.max(...windows.map((w) => w.seconds));
  await db.$transaction([
    db.rateLimitHit.deleteMany({ where: { key, createdAt: { lte: new Date(now.getTime() - longest * 1000) } } }),
    db.rateLimitHit.create({ data: { key, createdAt: now } }),
  ]);
}

/** Forgets `key`'s hits (a successful login clears its failures). */
export async function reset(key: string, db: Db = defaultDb()): Promise<void> {
  await db.rateLimitHit.deleteMany({ where: { key } });
}
