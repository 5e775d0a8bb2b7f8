/**
 * Prisma's schema engine (what `prisma migrate` runs), loaded as WebAssembly and driven through
 * the project's own driver adapters. The Prisma CLI cannot do this offline: it insists on
 * downloading a native engine first. docs/prisma-offline.md tells how this was found.
 */
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from "@prisma/driver-adapter-utils";
import * as engineGlue from "@prisma/schema-engine-wasm/schema_engine_bg";
import type { SchemaEngine } from "@prisma/schema-engine-wasm/schema_engine_bg";
import pg from "pg";
import type { DatabaseTarget } from "@/lib/server/database-url";

export type { SchemaEngine };
export type SchemaFile = { path: string; content: string };

/** A database the user pointed us at cannot be reached: report it in one line, no stack trace. */
export class DatabaseUnreachableError extends Error {}

let panicMessage = "";
let engineModule: Promise<typeof engineGlue> | undefined;

/**
 * The package's entry point imports the .wasm file as an ES module, which Node does not support
 * without a flag, so instantiate it here with the generated glue as its import object.
 */
function loadEngineModule(): Promise<typeof engineGlue> {
  engineModule ??= (async () => {
    // The glue reports Rust panics to this global; without it a panic becomes an unrelated TypeError.
    Object.assign(globalThis, {
      PRISMA_WASM_PANIC_REGISTRY: { set_message: (message: string) => (panicMessage = message) },
    });
    const glueFile = createRequire(import.meta.url).resolve("@prisma/schema-engine-wasm/schema_engine_bg");
    const wasm = await readFile(path.join(path.dirname(glueFile), "schema_engine_bg.wasm"));
    const { instance } = await WebAssembly.instantiate(wasm, {
      "./schema_engine_bg.js": engineGlue as unknown as WebAssembly.ModuleImports,
    });
    engineGlue.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return engineGlue;
  })();
  return engineModule;
}

/**
 * Starts a schema engine on `target` for `schema`, runs `work`, then frees the engine and closes
 * every connection it opened (freeing the engine alone leaves pg pools open, so Node would not exit).
 */
export async function withSchemaEngine<T>(
  target: DatabaseTarget,
  schema: SchemaFile,
  work: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  const { SchemaEngine } = await loadEngineModule();
  const open = new Set<SqlDriverAdapter>();
  const track = (adapter: SqlDriverAdapter): SqlDriverAdapter => {
    const tracked = withOverrides(adapter, {
      dispose: async () => {
        if (open.delete(tracked)) await adapter.dispose();
      },
    });
    open.add(tracked);
    return tracked;
  };
  const factory = target.provider === "sqlite" ? sqliteFactory(target.url) : postgresFactory(target.url);
  const engine = await SchemaEngine.new(
    { datamodels: [[schema.path, schema.content]] },
    (log: string) => process.env.DEBUG && console.error(log),
    bindMigrationAwareSqlAdapterFactory({
      provider: factory.provider,
      adapterName: factory.adapterName,
      connect: async () => track(await factory.connect()),
      connectToShadowDb: async () => track(await factory.connectToShadowDb()),
    }),
  );
  try {
    return await work(engine);
  } catch (error) {
    if (error instanceof WebAssembly.RuntimeError && panicMessage) {
      throw new Error(`Prisma schema engine panicked: ${panicMessage}`);
    }
    // The engine locks SQLite exclusively (as `prisma migrate` does); adapter-better-sqlite3 reports
    // the resulting SQLITE_BUSY as "SocketTimeout", which this engine build cannot even parse.
    if (target.provider === "sqlite" && String(error).includes("`SocketTimeout`")) {
      throw new Error(
        `${target.file} is in use by another connection. Migrations need it to themselves: stop the app (next dev / next start) and run again.`,
      );
    }
    throw error;
  } finally {
    engine.free();
    for (const adapter of open) await adapter.dispose();
  }
}

/** A plain copy of an adapter with some methods replaced: `bindAdapter` only reads these by name. */
function withOverrides(adapter: SqlDriverAdapter, overrides: Partial<SqlDriverAdapter>): SqlDriverAdapter {
  return {
    provider: adapter.provider,
    adapterName: adapter.adapterName,
    queryRaw: (query) => adapter.queryRaw(query),
    executeRaw: (query) => adapter.executeRaw(query),
    executeScript: (script) => adapter.executeScript(script),
    startTransaction: (isolationLevel) => adapter.startTransaction(isolationLevel),
    getConnectionInfo: adapter.getConnectionInfo?.bind(adapter),
    dispose: () => adapter.dispose(),
    ...overrides,
  };
}

function sqliteFactory(url: string): SqlMigrationAwareDriverAdapterFactory {
  // The shadow database defaults to ":memory:", which is what we want.
  const base = new PrismaBetterSqlite3({ url });
  // The engine sends whole migration scripts through argument-less executeRaw, and better-sqlite3's
  // prepare() refuses more than one statement: run those through exec() instead.
  const runScriptsWithExec = (adapter: SqlDriverAdapter) =>
    withOverrides(adapter, {
      executeRaw: async (query) => {
        if (query.args.length > 0) return adapter.executeRaw(query);
        await adapter.executeScript(query.sql);
        return 0;
      },
    });
  return {
    provider: base.provider,
    adapterName: base.adapterName,
    connect: async () => runScriptsWithExec(await base.connect()),
    connectToShadowDb: async () => runScriptsWithExec(await base.connectToShadowDb()),
  };
}

const PG_CHAR_OID = 18; // PostgreSQL's one-byte internal "char", used in pg_catalog
const PG_TEXT_OID = 25;

/**
 * adapter-pg has no column type for "char", which the engine reads from pg_catalog when it describes
 * a schema ("Column type 'char' could not be deserialized"): report those columns as text. The
 * adapter always calls pool.query(config) and awaits the promise, so that is the only form patched.
 */
function poolReadingCharAsText(connectionString: string): pg.Pool {
  const pool = new pg.Pool({ connectionString });
  const query = pool.query.bind(pool) as (config: pg.QueryConfig) => Promise<pg.QueryResult>;
  pool.query = (async (config: pg.QueryConfig) => {
    const result = await query(config);
    // A script of several statements answers with one result each.
    for (const each of [result].flat())
      for (const field of each.fields ?? []) if (field.dataTypeID === PG_CHAR_OID) field.dataTypeID = PG_TEXT_OID;
    return result;
  }) as typeof pool.query;
  return pool;
}

/**
 * adapter-pg runs a migration script statement by statement, cut at every ";", which cuts a
 * function's body apart: send it whole instead, as one simple query, as Prisma's own engine does
 * (PostgreSQL runs it as one transaction).
 */
async function connectPostgres(url: string): Promise<SqlDriverAdapter> {
  const pool = poolReadingCharAsText(url);
  const adapter = await new PrismaPg(pool, { disposeExternalPool: true }).connect();
  return withOverrides(adapter, {
    executeScript: async (script) => {
      try {
        await pool.query(script);
      } catch (error) {
        // The adapter's own wording of database errors, which the engine reads.
        (adapter as unknown as { onError(error: unknown): never }).onError(error);
      }
    },
  });
}

function postgresFactory(url: string): SqlMigrationAwareDriverAdapterFactory {
  const base = new PrismaPg(url);
  return {
    provider: base.provider,
    adapterName: base.adapterName,
    connect: () => connectPostgres(url),
    // adapter-pg's own shadow database keeps the main connection string, which overrides the
    // database name (so it lands in the main database), and drops the shadow database while its
    // pool is still connected. Create it ourselves and drop it only after the pool has closed.
    connectToShadowDb: async () => {
      const shadow = await createTemporaryDatabase(url, "prisma_shadow");
      const adapter = await connectPostgres(shadow.url);
      return withOverrides(adapter, {
        dispose: async () => {
          await adapter.dispose();
          await shadow.drop();
        },
      });
    },
  };
}

/** The same server URL with another database name (query parameters such as sslmode kept). */
export function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

/** "host:port/database" for messages: never the password. */
export function describePostgres(url: string): string {
  const { hostname, port, pathname } = new URL(url);
  return `${hostname}:${port || 5432}${decodeURIComponent(pathname)}`;
}

/** Why the PostgreSQL server at `url` cannot be used, or null when it answers: tests skip with it. */
export async function postgresUnavailable(url: string): Promise<string | null> {
  return runOnPostgres(url, "SELECT 1").then(
    () => null,
    (error: Error) => error.message,
  );
}

/** Runs one statement on the server, turning "cannot connect" into a DatabaseUnreachableError. */
export async function runOnPostgres(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (error) {
    const reason = error instanceof Error ? error.message || (error as { code?: string }).code : String(error);
    throw new DatabaseUnreachableError(`Cannot connect to PostgreSQL at ${describePostgres(url)}: ${reason}`);
  }
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Creates an empty database with a random name on the server of `serverUrl`. */
export async function createTemporaryDatabase(
  serverUrl: string,
  prefix: string,
): Promise<{ name: string; url: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
  await runOnPostgres(serverUrl, `CREATE DATABASE "${name}"`);
  return {
    name,
    url: withDatabase(serverUrl, name),
    // FORCE closes connections a failed run may have left behind.
    drop: () => runOnPostgres(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}
