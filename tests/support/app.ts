// What the reliability suite and the benchmarks share: one production build, servers on fresh
// databases, and direct access to those databases to seed them and to check what was stored.
import { execSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { COMMENT_HTML_VERSION, renderCommentForPage } from "@/lib/content/comment-markdown";
import { resolveDatabaseTarget } from "@/lib/server/database-url";
import { PrismaClient as SqliteClient } from "@/lib/generated/sqlite/client";
import { PrismaClient as PostgresClient } from "@/lib/generated/postgres/client";
import { applyMigrations } from "@/scripts/lib/migrations";
import { createTemporaryDatabase, postgresUnavailable } from "@/scripts/lib/schema-engine";
import {
  E2E_CONTENT_DIR,
  e2eEnv,
  freshSqlite,
  NEXT_START,
  startServer,
  type RunningServer,
} from "../e2e/support/servers";

export { freshSqlite, NEXT_START, postgresUnavailable, startServer, type RunningServer };
export const POSTGRES_SERVER_URL = process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/** The environment of a load-test server: the e2e one, with the rate limit raised for the run. */
export function loadEnv(database: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return e2eEnv(database, { COMMENT_RATE_PER_MINUTE: "100000", COMMENT_RATE_PER_HOUR: "1000000", ...extra });
}

/** `npm run build` (`next build` and server.ts compiled) of the e2e content (the real article and the fixtures); SKIP_BUILD=1 reuses the last. */
export function ensureBuild(): void {
  mirror(["content", "tests/fixtures/content-e2e"], E2E_CONTENT_DIR);
  if (process.env.SKIP_BUILD && fs.existsSync(".next/BUILD_ID") && fs.existsSync(".next/marginalia-server.mjs")) return;
  execSync("npm run --silent build", { env: e2eEnv(freshSqlite("build")), stdio: ["ignore", "ignore", "inherit"] });
}

/**
 * Makes `dir` hold exactly the files of `sources` (a later source's over an earlier's), writing
 * only what differs: npm test starts the browser tests (whose setup calls ensureBuild) while the
 * reliability suite's servers serve `dir`, and those must not see their articles vanish and return.
 */
function mirror(sources: string[], dir: string): void {
  const wanted = new Map<string, string>(); // a path in dir → the file it copies
  const folders = new Set<string>();
  for (const source of sources)
    for (const entry of fs.readdirSync(source, { recursive: true, withFileTypes: true })) {
      const relative = path.relative(source, path.join(entry.parentPath, entry.name));
      if (entry.isDirectory()) folders.add(relative);
      else wanted.set(relative, path.join(source, relative));
    }
  fs.mkdirSync(dir, { recursive: true });
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const relative = path.relative(dir, path.join(entry.parentPath, entry.name));
    if (!(entry.isDirectory() ? folders : wanted).has(relative))
      fs.rmSync(path.join(dir, relative), { recursive: true, force: true });
  }
  for (const [relative, from] of wanted) {
    const to = path.join(dir, relative);
    const bytes = fs.readFileSync(from);
    if (fs.existsSync(to) && fs.statSync(to).isFile() && fs.readFileSync(to).equals(bytes)) continue;
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.writeFileSync(to, bytes);
  }
}

/** A temporary, migrated database on the shared PostgreSQL server. */
export async function freshPostgres(): Promise<{ url: string; drop: () => Promise<void> }> {
  const temporary = await createTemporaryDatabase(POSTGRES_SERVER_URL, "marginalia_load");
  await applyMigrations(resolveDatabaseTarget(temporary.url));
  return temporary;
}

export type Db = SqliteClient;

/** A Prisma client on the same database as a server (lib/server/db.ts is for the app: server-only). */
export function openDb(url: string): Db {
  const target = resolveDatabaseTarget(url);
  if (target.provider === "postgresql") {
    return new PostgresClient({ adapter: new PrismaPg({ connectionString: target.url }) }) as unknown as Db;
  }
  return new SqliteClient({ adapter: new PrismaBetterSqlite3({ url: target.file, timeout: 5_000 }) });
}

/**
 * Seeds `count` published comments on `slug` in threads of four: a comment, a reply, a reply to
 * that, and a second reply to the first, each text different (like real readers' comments), each
 * with its page HTML as the comment store keeps it (lib/comments/store/page-html.ts).
 */
export async function seedComments(
  db: Db,
  slug: string,
  count: number,
  start = new Date("2026-01-01T00:00:00Z"),
): Promise<void> {
  const rows = [];
  let root = "";
  let second = "";
  for (let i = 0; i < count; i++) {
    const id = `seed-${slug}-${i}`;
    const position = i % 4;
    if (position === 0) root = id;
    if (position === 1) second = id;
    const parentId = position === 0 ? null : position === 2 ? second : root;
    const body = `Comment ${i} on *${slug}*: I agree with **most** of this, see [the notes](https://example.com/${i}).\n\n> A quoted line ${i}\n\n- one point\n- and \`another\``;
    rows.push({
      id,
      articleSlug: slug,
      parentId,
      rootId: root,
      depth: position === 0 ? 1 : position === 2 ? 3 : 2,
      authorName: `Reader ${i % 97}`,
      body,
      html: renderCommentForPage(body),
      htmlVersion: COMMENT_HTML_VERSION,
      status: "published",
      createdAt: new Date(start.getTime() + i * 1000),
    });
  }
  for (let i = 0; i < rows.length; i += 500) await db.comment.createMany({ data: rows.slice(i, i + 500) });
}
