import path from "node:path";
import { settings } from "../settings";

/** Where comments live: an embedded SQLite file (the default) or a PostgreSQL server. */
export type DatabaseTarget =
  { provider: "sqlite"; url: string; file: string } | { provider: "postgresql"; url: string };

export const DEFAULT_SQLITE_URL = "file:./data/marginalia.db";

/**
 * Reads DATABASE_URL. `postgres://` or `postgresql://` selects PostgreSQL; `file:` (or nothing)
 * selects SQLite, with relative paths taken from the project root so `next start`, the migration
 * command and the tests all open the same file.
 */
export function resolveDatabaseTarget(
  url = settings().DATABASE_URL || DEFAULT_SQLITE_URL,
  root = process.cwd(),
): DatabaseTarget {
  if (/^postgres(ql)?:\/\//.test(url)) return { provider: "postgresql", url };
  if (!url.startsWith("file:")) {
    throw new Error(
      `DATABASE_URL must start with "file:" (SQLite) or "postgres://" (PostgreSQL); got "${url.split(":")[0]}:…"`,
    );
  }
  const file = path.resolve(root, url.slice("file:".length));
  return { provider: "sqlite", url: `file:${file}`, file };
}
