import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient as SqliteClient } from "../generated/sqlite/client";
import { PrismaClient as PostgresClient } from "../generated/postgres/client";
import { resolveDatabaseTarget } from "./database-url";
import { onShutdown } from "./lifecycle";
import { SqliteAdapter } from "./sqlite-adapter";
import { processWide } from "../process-wide";

// Two clients generated from one schema (see scripts/prisma-generate.ts): a client refuses an
// adapter for the other provider. Their model APIs are identical, so one type serves both.
export type Db = SqliteClient;

/** Opens a client for a database URL (SQLite `file:` or `postgres://`); the app uses `db()`. */
export function createDb(url?: string): Db {
  const target = resolveDatabaseTarget(url);
  if (target.provider === "postgresql") {
    const adapter = new PrismaPg({ connectionString: target.url, connectionTimeoutMillis: 5_000 });
    return new PostgresClient({ adapter }) as unknown as Db;
  }
  // Writers wait up to 5 s for the lock instead of failing with SQLITE_BUSY (WAL is set by the
  // migration and persists in the file). The adapter keeps its prepared statements and keeps other
  // requests' writes out of an open transaction (lib/server/sqlite-adapter.ts).
  return new SqliteClient({ adapter: new SqliteAdapter({ url: target.file, timeout: 5_000 }) });
}

// One client per process, whichever bundle asks, and in development across hot reloads (which
// would open a new connection pool each time a module is re-evaluated).
const shared = processWide<{ client?: Db }>("db", () => ({}));

export function db(): Db {
  if (!shared.client) {
    const client = createDb();
    shared.client = client;
    // A stopping server closes its pool, so PostgreSQL is not left with connections to time out.
    onShutdown("database", () => client.$disconnect(), { connection: true });
  }
  return shared.client;
}

/** Which engine a client talks to, where SQL differs (locks, SKIP LOCKED). */
export const isPostgres = (db: Pick<Db, never>) =>
  (db as unknown as { _engineConfig?: { activeProvider?: string } })._engineConfig?.activeProvider === "postgresql";
