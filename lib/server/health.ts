import "server-only";
import { readdir } from "node:fs/promises";
import path from "node:path";
import { db as defaultDb, type Db } from "./db";
import { resolveDatabaseTarget } from "./database-url";
import { isDraining } from "./lifecycle";
import { cacheChannelStatus, type ChannelStatus } from "./cache-channel";
import { processWide } from "../process-wide";

// /readyz: whether this instance should get traffic. Polled every second or so by a load balancer
// or an operator's script, so it costs one small query: the names of the applied migrations, which
// also proves the database answers through the app's own connection pool. A client's first query
// also loads Prisma's query compiler and opens the pool, which on a busy machine outlasts the
// check's bound: that is done once at start (warmUp), and until it is the answer is "starting".

export type Readiness = {
  ready: boolean;
  /** Why not, in words an operator can act on; no driver message (it may name hosts and users). */
  reason?: string;
  /** The page cache's channel to the other instances (PostgreSQL only); informative, never unready. */
  cacheChannel: ChannelStatus;
};

/** How long the database may take to answer before the instance counts as not ready. */
export const READY_TIMEOUT_MS = 2_000;

// By provider: PostgreSQL has migrations of its own (its functions).
const expected: Partial<Record<"sqlite" | "postgresql", Promise<string[]>>> = {};

/** The migrations this build knows of (read once: they change only with a new deployment). */
function expectedMigrations(provider: "sqlite" | "postgresql"): Promise<string[]> {
  // Spelled out, so the build's file tracing sees two folders rather than the whole project.
  const dir =
    provider === "sqlite"
      ? path.join(process.cwd(), "prisma", "migrations")
      : path.join(process.cwd(), "prisma", "postgres", "migrations");
  expected[provider] ??= readdir(dir, { withFileTypes: true }).then((entries) =>
    entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name),
  );
  return expected[provider];
}

const appliedMigrations = (db: Db) =>
  db.$queryRaw<{ migration_name: string }[]>`
    SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`;

// By client, for the whole process: instrumentation.ts's copy of this module starts the app's,
// the /readyz route's copy reads it.
const warmUps = processWide("health-warm-up", () => ({ clients: new WeakMap<Db, Promise<void>>() }));

/**
 * The check's query run once through `db` without a bound, so that what only a first query pays
 * (the compiler, the connection) is not counted against the database. Settles either way: a
 * database that is away is then reported by the check itself. Started when the server starts.
 */
export function warmUp(db: Db = defaultDb()): Promise<void> {
  let warming = warmUps.clients.get(db);
  if (!warming) {
    warming = appliedMigrations(db).then(
      () => undefined,
      () => undefined,
    );
    warmUps.clients.set(db, warming);
  }
  return warming;
}

function within<T>(promise: Promise<T>, ms: number): Promise<T | "timeout"> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), ms)));
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

export async function readiness(
  db: Db = defaultDb(),
  provider: "sqlite" | "postgresql" = resolveDatabaseTarget().provider,
): Promise<Readiness> {
  const cacheChannel = cacheChannelStatus();
  if (isDraining()) return { ready: false, reason: "shutting down", cacheChannel };
  // Never "did not answer" for a client still loading: a while to finish, then "starting".
  if ((await within(warmUp(db), READY_TIMEOUT_MS)) === "timeout") {
    return { ready: false, reason: "starting", cacheChannel };
  }
  let applied: Set<string>;
  try {
    const rows = await within(appliedMigrations(db), READY_TIMEOUT_MS);
    if (rows === "timeout") {
      return { ready: false, reason: `the database did not answer within ${READY_TIMEOUT_MS} ms`, cacheChannel };
    }
    applied = new Set(rows.map((row) => row.migration_name));
  } catch {
    // No migration table at all, or no database: which one, by a query that needs no table.
    const alive = await within(
      db.$queryRaw`SELECT 1`.then(
        () => true,
        () => false,
      ),
      READY_TIMEOUT_MS,
    );
    return alive === true
      ? { ready: false, reason: "the database has no migrations applied: run npm run db:migrate", cacheChannel }
      : { ready: false, reason: "the database cannot be reached", cacheChannel };
  }
  const missing = (await expectedMigrations(provider)).filter((name) => !applied.has(name));
  if (missing.length > 0) {
    return {
      ready: false,
      reason: `${missing.length} migration(s) not applied (${missing.join(", ")}): run npm run db:migrate`,
      cacheChannel,
    };
  }
  return { ready: true, cacheChannel };
}
