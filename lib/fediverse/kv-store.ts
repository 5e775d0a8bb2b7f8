import "server-only";
import type { KvKey, KvStore, KvStoreListEntry, KvStoreSetOptions } from "@fedify/fedify";
import type { Db } from "../server/db";

// Fedify's key-value store (its caches of remote documents and keys, the inbox's idempotence
// marks) in the project's own database, table FediverseKv, through Prisma: one store whichever
// instance answers, on SQLite and PostgreSQL alike. @fedify/sqlite and @fedify/postgres would
// need drivers of their own and pin Fedify 1.x.
//
// A key (an array of strings) is stored as its JSON, without the closing bracket's prefix
// ambiguity: ["a","b"] is `["a","b"]`, and every key under the prefix ["a"] starts with `["a",`.

const encodeKey = (key: KvKey) => JSON.stringify(key);

/** The rows of a prefix: the key itself, or those that start with its JSON up to the `]`. */
function prefixWhere(prefix: KvKey | undefined) {
  if (!prefix) return {};
  const text = encodeKey(prefix);
  return { OR: [{ key: text }, { key: { startsWith: `${text.slice(0, -1)},` } }] };
}

/**
 * How long a remote key is kept when Fedify says nothing (it would keep it for good): any post may
 * name a new key at any URL, so keys fetched for posts made only to fill the store go after a week
 * (the hourly sweep); a real sender's key is fetched again then, once.
 */
export const REMOTE_KEY_MS = 7 * 24 * 60 * 60_000;
const REMOTE_KEYS = encodeKey(["_fedify", "publicKey"]).slice(0, -1) + ",";

const expiry = (key: KvKey, options: KvStoreSetOptions | undefined, now: number) =>
  options?.ttl
    ? new Date(now + options.ttl.total({ unit: "millisecond" }))
    : encodeKey(key).startsWith(REMOTE_KEYS)
      ? new Date(now + REMOTE_KEY_MS)
      : null;

const live = (now: Date) => ({ OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] });

export class PrismaKvStore implements KvStore {
  constructor(
    private readonly db: () => Db,
    private readonly clock: () => number = Date.now,
  ) {}

  async get<T = unknown>(key: KvKey): Promise<T | undefined> {
    const row = await this.db().fediverseKv.findFirst({
      where: { key: encodeKey(key), ...live(new Date(this.clock())) },
      select: { value: true },
    });
    return row ? (JSON.parse(row.value) as T) : undefined;
  }

  async set(key: KvKey, value: unknown, options?: KvStoreSetOptions): Promise<void> {
    const data = { value: JSON.stringify(value), expiresAt: expiry(key, options, this.clock()) };
    await this.db().fediverseKv.upsert({
      where: { key: encodeKey(key) },
      create: { key: encodeKey(key), ...data },
      update: data,
    });
  }

  async delete(key: KvKey): Promise<void> {
    await this.db().fediverseKv.deleteMany({ where: { key: encodeKey(key) } });
  }

  /**
   * Compare-and-swap in one statement: an update that names the old value (or an insert that
   * fails on a taken key), so two instances cannot both win.
   */
  async cas(key: KvKey, expectedValue: unknown, newValue: unknown, options?: KvStoreSetOptions): Promise<boolean> {
    const now = this.clock();
    const db = this.db();
    const data = { value: JSON.stringify(newValue), expiresAt: expiry(key, options, now) };
    if (expectedValue === undefined) {
      // An expired row counts as absent: sweep it first.
      await db.fediverseKv.deleteMany({ where: { key: encodeKey(key), expiresAt: { lte: new Date(now) } } });
      try {
        await db.fediverseKv.create({ data: { key: encodeKey(key), ...data } });
        return true;
      } catch (error) {
        if ((error as { code?: string }).code === "P2002") return false;
        throw error;
      }
    }
    const { count } = await db.fediverseKv.updateMany({
      where: { key: encodeKey(key), value: JSON.stringify(expectedValue), ...live(new Date(now)) },
      data,
    });
    return count === 1;
  }

  async *list(prefix?: KvKey): AsyncIterable<KvStoreListEntry> {
    const rows = await this.db().fediverseKv.findMany({
      where: { AND: [prefixWhere(prefix), live(new Date(this.clock()))] },
      orderBy: { key: "asc" },
    });
    for (const row of rows) yield { key: JSON.parse(row.key) as KvKey, value: JSON.parse(row.value) };
  }

  /** Drops the expired rows (the queue's worker calls it now and then). */
  async sweep(): Promise<number> {
    const { count } = await this.db().fediverseKv.deleteMany({ where: { expiresAt: { lte: new Date(this.clock()) } } });
    return count;
  }
}
