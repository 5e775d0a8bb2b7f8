// A server process's end: server.ts, on SIGTERM, marks the process as draining (/readyz answers 503
// from then on), lets the requests under way finish, then closes what the app opened (the database
// client, the page cache's LISTEN connection, the outbox sender), in the reverse order of opening.
// Modules register their closing here, once per process (process-wide.ts), as server.ts and the
// app's bundles each load their own copy of this module.

import { processWide } from "../process-wide";

type Closer = { name: string; close: () => Promise<unknown> | unknown; connection: boolean };
type State = { draining: boolean; closers: Closer[] };

const state = processWide<State>("lifecycle", () => ({ draining: false, closers: [] }));

/**
 * Registers what to close when the process stops; a second registration under a name replaces the
 * first. Connections (the database client) close after everything else, which may still use them.
 */
export function onShutdown(name: string, close: Closer["close"], { connection = false } = {}): void {
  state.closers = [...state.closers.filter((closer) => closer.name !== name), { name, close, connection }];
}

export const isDraining = () => state.draining;

export function startDraining(): void {
  state.draining = true;
}

/**
 * Closes everything registered, the last opened first and connections last, each within
 * `timeoutMs`; returns what failed or did not finish in time (nothing, normally).
 */
export async function closeAll(timeoutMs: number): Promise<string[]> {
  const failed: string[] = [];
  const ordered = [...state.closers].reverse().sort((a, b) => Number(a.connection) - Number(b.connection));
  for (const { name, close } of ordered) {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<"late">((resolve) => (timer = setTimeout(() => resolve("late"), timeoutMs)));
    try {
      const result = await Promise.race([Promise.resolve().then(close), late]);
      if (result === "late") failed.push(`${name} (did not close within ${timeoutMs} ms)`);
    } catch (error) {
      failed.push(`${name} (${(error as Error).message})`);
    } finally {
      clearTimeout(timer);
    }
  }
  state.closers = [];
  return failed;
}
