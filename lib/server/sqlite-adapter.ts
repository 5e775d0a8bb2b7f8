import "server-only";
import type { Database, Statement } from "better-sqlite3";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import {
  DriverAdapterError,
  type SqlDriverAdapter,
  type SqlQuery,
  type Transaction,
} from "@prisma/driver-adapter-utils";

// Prisma's better-sqlite3 adapter (7.x), with two things it lacks for a server that shares one
// connection between all its requests:
//
// - It prepares every query again (`prepare` was 3% of a posting profile): SQLite compiles the
//   SQL to bytecode each time and the statement object is garbage afterwards. Here the statements
//   are kept by their SQL (a few dozen distinct texts), bound afresh on each run.
// - An interactive transaction (`$transaction(async (tx) => …)`) holds the connection across
//   awaits, and the adapter runs every other request's queries on that same connection meanwhile:
//   inside the transaction. A write acknowledged to another reader was rolled back with it (a
//   double-submitted comment rolls back its own transaction when mail or a webhook is set up). Here
//   a write from outside waits until the transaction ends, as it would for SQLite's lock on a
//   connection of its own, and fails like a busy database past the same timeout. Reads go on: they
//   may see the open transaction's rows, as a reader of the page did before.

/** Distinct SQL texts kept; Prisma's `IN (?, ?, …)` lists make one text per list length. */
const STATEMENTS_KEPT = 256;

type Bindable = {
  reader: boolean;
  readonly: boolean;
  columns: Statement["columns"];
  run: (...args: unknown[]) => ReturnType<Statement["run"]>;
  bind: (args: unknown[]) => {
    reader: boolean;
    columns: Statement["columns"];
    raw: () => { all: () => unknown[] };
    run: () => ReturnType<Statement["run"]>;
  };
};

/**
 * Makes `client.prepare` return kept statements. The adapter calls `prepare(sql).bind(args)` and
 * then `reader`, `columns()`, `raw().all()` or `run()` (better-sqlite3's own `bind` binds for good,
 * so a kept statement gets its arguments on each run instead).
 */
export function keepStatements(client: Database, kept = STATEMENTS_KEPT): { prepared: () => number } {
  const prepare = client.prepare.bind(client);
  const statements = new Map<string, Statement>();
  let prepared = 0;
  const statement = (sql: string): Statement => {
    const hit = statements.get(sql);
    if (hit) {
      statements.delete(sql); // to the most recently used end
      statements.set(sql, hit);
      return hit;
    }
    const fresh = prepare(sql);
    prepared++;
    statements.set(sql, fresh);
    if (statements.size > kept) statements.delete(statements.keys().next().value!);
    return fresh;
  };
  client.prepare = ((sql: string): Bindable => {
    const s = statement(sql);
    return {
      reader: s.reader,
      readonly: s.readonly,
      columns: () => s.columns(),
      run: (...args) => s.run(...args),
      bind: (args) => ({
        reader: s.reader,
        columns: () => s.columns(),
        raw: () => ({ all: () => s.raw(true).all(...args) }),
        run: () => s.run(...args),
      }),
    };
  }) as unknown as Database["prepare"];
  return { prepared: () => prepared };
}

/** Writes from outside an open transaction wait for it to end, up to `timeoutMs` (the busy timeout). */
function writesWaitForTransactions(adapter: SqlDriverAdapter, client: Database, timeoutMs: number): void {
  let open: Promise<void> | null = null;
  const startTransaction = adapter.startTransaction.bind(adapter);
  adapter.startTransaction = async (...args) => {
    // The adapter lets one transaction at a time have the connection; from here until it ends it is this one's.
    const transaction: Transaction = await startTransaction(...args);
    let end!: () => void;
    open = new Promise((resolve) => (end = resolve));
    const ended = () => {
      open = null;
      end();
    };
    const { commit, rollback } = transaction;
    transaction.commit = async () => {
      try {
        return await commit.call(transaction);
      } finally {
        ended();
      }
    };
    transaction.rollback = async () => {
      try {
        return await rollback.call(transaction);
      } finally {
        ended();
      }
    };
    return transaction;
  };
  const writes = (sql: string) => !(client.prepare(sql) as unknown as Bindable).readonly;
  const waitForTransaction = async () => {
    const until = Date.now() + timeoutMs;
    while (open) {
      const left = until - Date.now();
      if (left <= 0) throw new DriverAdapterError({ kind: "SocketTimeout" });
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([open, new Promise((resolve) => (timer = setTimeout(resolve, left)))]);
      clearTimeout(timer);
    }
  };
  for (const method of ["queryRaw", "executeRaw"] as const) {
    const run = adapter[method].bind(adapter) as (query: SqlQuery) => Promise<never>;
    adapter[method] = (async (query: SqlQuery) => {
      if (open && writes(query.sql)) await waitForTransaction();
      return run(query);
    }) as never;
  }
}

/** The better-sqlite3 adapter factory for `file` with statements kept and transactions kept apart. */
export class SqliteAdapter extends PrismaBetterSqlite3 {
  readonly #timeoutMs: number;
  #statements?: { prepared: () => number };

  constructor(config: { url: string; timeout: number }) {
    super(config);
    this.#timeoutMs = config.timeout;
  }

  override async connect(): Promise<SqlDriverAdapter> {
    const adapter = await super.connect();
    // The adapter's connection (a public field of its class, not of its declared type).
    const client = (adapter as unknown as { client: Database }).client;
    this.#statements = keepStatements(client);
    writesWaitForTransactions(adapter, client, this.#timeoutMs);
    return adapter;
  }

  /** How many statements the connection has prepared so far (the tests check that they are kept). */
  statementsPrepared(): number {
    return this.#statements?.prepared() ?? 0;
  }
}
