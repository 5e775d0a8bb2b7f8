// `npm run test:reliability` (full sizes) and `npm run test:reliability:short` (CI: smaller counts,
// the same checks): real servers (server.ts) on a fresh build, real SQLite files and PostgreSQL.
// SKIP_BUILD=1 reuses the last build. Prints one line per check and "N passed, N failed".
import assert from "node:assert/strict";
import { setMaxListeners } from "node:events";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { resolveDatabaseTarget } from "@/lib/server/database-url";
import { applyMigrations } from "@/scripts/lib/migrations";
import { runOnPostgres } from "@/scripts/lib/schema-engine";
import {
  ensureBuild,
  freshPostgres,
  freshSqlite,
  loadEnv,
  openDb,
  POSTGRES_SERVER_URL,
  postgresUnavailable,
  seedComments,
  startServer,
  type Db,
} from "./support/app";
import { commentStorm, type StormResult } from "./support/load";
import { commentFormFields, postComment, readCommentForm } from "./support/poster";
import { fuzzCommentAction } from "./fuzz";
import { pageCacheChecks } from "./page-cache";
import { importMemoryCheck } from "./import";
import { securityChecks } from "./security";
import { mailCheck } from "./mail";

const SHORT = process.argv.includes("--short");
const SIZE = SHORT
  ? {
      storm: 200,
      clients: 20,
      crash: 200,
      crashAfter: 60,
      fuzz: 300,
      importComments: 5_000,
      followers: 10,
      replies: 20,
    }
  : {
      storm: 5_000,
      clients: 100,
      crash: 2_000,
      crashAfter: 600,
      fuzz: 3_000,
      importComments: 100_000,
      followers: 20,
      replies: 200,
    };
// RELIABILITY_PORT moves every server of the suite, so two checkouts can run it side by side.
const PORT = Number(process.env.RELIABILITY_PORT ?? 3420);
// `--only WORDS` runs the checks whose name contains WORDS (while working on one of them).
const ONLY = process.argv.includes("--only") ? process.argv[process.argv.indexOf("--only") + 1] : undefined;
const SLUG = "field-note-09";

type Outcome = { name: string; ok: boolean; detail: string };
const outcomes: Outcome[] = [];

async function check(name: string, body: () => Promise<string | void>): Promise<void> {
  if (ONLY && !name.includes(ONLY)) return;
  const started = performance.now();
  try {
    const detail = (await body()) ?? "";
    outcomes.push({ name, ok: true, detail });
    console.log(`✓ ${name} (${((performance.now() - started) / 1000).toFixed(1)} s)${detail ? `: ${detail}` : ""}`);
  } catch (error) {
    outcomes.push({ name, ok: false, detail: (error as Error).message });
    console.log(`✗ ${name}: ${(error as Error).stack ?? error}`);
  }
}

/** Every acknowledged comment is stored exactly once, on the article, under the comment it answered. */
async function assertStored(db: Db, tag: string, storm: Pick<StormResult, "sent">, slug = SLUG): Promise<string> {
  const rows = await db.comment.findMany({
    where: { body: { startsWith: `${tag} ` } },
    select: { body: true, parentId: true, articleSlug: true },
  });
  const stored = new Map<string, typeof rows>();
  for (const row of rows) stored.set(row.body, [...(stored.get(row.body) ?? []), row]);
  const duplicated = [...stored.values()].filter((copies) => copies.length > 1);
  assert.equal(
    duplicated.length,
    0,
    `${duplicated.length} comments stored more than once, e.g. ${duplicated[0]?.[0].body}`,
  );
  const acknowledged = storm.sent.filter((s) => s.acknowledged);
  const missing = acknowledged.filter((s) => !stored.has(s.body));
  assert.equal(missing.length, 0, `${missing.length} acknowledged comments are missing, e.g. ${missing[0]?.body}`);
  for (const sent of acknowledged) {
    const [row] = stored.get(sent.body)!;
    assert.equal(row.articleSlug, slug, `${sent.body} is on ${row.articleSlug}`);
    assert.equal(row.parentId, sent.parentId, `${sent.body} hangs under ${row.parentId}, not ${sent.parentId}`);
  }
  return `${acknowledged.length}/${storm.sent.length} acknowledged, ${rows.length} stored, none twice`;
}

async function noLoss(provider: string, url: string, port: number): Promise<string> {
  const db = openDb(url);
  await seedComments(db, SLUG, 4);
  const server = await startServer(port, loadEnv(url), `data/reliability-${provider}.log`);
  try {
    const tag = `noloss-${provider}-${Date.now()}`;
    const storm = await commentStorm({
      pageUrl: `${server.url}/articles/${SLUG}`,
      clients: SIZE.clients,
      total: SIZE.storm,
      tag,
      parents: [`seed-${SLUG}-0`, `seed-${SLUG}-1`],
    });
    assert.equal(
      storm.acknowledged,
      SIZE.storm,
      `only ${storm.acknowledged} of ${SIZE.storm} acknowledged: ${JSON.stringify(storm.statuses)} ${storm.sent.find((s) => !s.acknowledged)?.message}`,
    );
    return `${await assertStored(db, tag, storm)}; ${storm.perSecond.toFixed(0)} comments/s, p99 ${storm.p99.toFixed(0)} ms`;
  } finally {
    server.stop();
    await db.$disconnect();
  }
}

async function crash(): Promise<string> {
  const url = freshSqlite("reliability-crash");
  const db = openDb(url);
  await seedComments(db, SLUG, 4);
  let server = await startServer(PORT + 2, loadEnv(url), "data/reliability-crash.log");
  const tag = `crash-${Date.now()}`;
  const abort = new AbortController();
  setMaxListeners(0, abort.signal); // every request listens to it
  let acknowledged = 0;
  let killedAt = 0;
  const storm = await commentStorm({
    pageUrl: `${server.url}/articles/${SLUG}`,
    clients: SIZE.clients,
    total: SIZE.crash,
    tag,
    parents: [`seed-${SLUG}-0`, `seed-${SLUG}-1`],
    signal: abort.signal,
    onOutcome: (outcome) => {
      if (outcome.acknowledged) acknowledged++;
      if (acknowledged >= SIZE.crashAfter && !killedAt) {
        killedAt = acknowledged;
        server.stop("SIGKILL"); // the whole process group, mid-load
        setTimeout(() => abort.abort(), 200);
      }
    },
  });
  assert.ok(killedAt > 0, "the server was never killed");
  await db.$disconnect();

  const file =
    resolveDatabaseTarget(url).provider === "sqlite" ? (resolveDatabaseTarget(url) as { file: string }).file : "";
  server = await startServer(PORT + 2, loadEnv(url), "data/reliability-crash.log");
  const reopened = openDb(url);
  try {
    const stored = await assertStored(reopened, tag, storm);
    const integrity = new Database(file, { readonly: true }).pragma("integrity_check", { simple: true });
    assert.equal(integrity, "ok", `PRAGMA integrity_check: ${integrity}`);
    const page = await fetch(`${server.url}/articles/${SLUG}`);
    assert.equal(page.status, 200);
    const after = await postComment(`${server.url}/articles/${SLUG}`, commentFormFields(await page.text()), {
      name: "After",
      body: `${tag}-after restart`,
      ip: "10.9.9.9",
    });
    assert.ok(after.acknowledged, `posting after the restart: ${after.status} ${after.message}`);
    return `killed with SIGKILL after ${killedAt} acknowledgements; ${stored}; integrity_check ok; serving and posting again`;
  } finally {
    server.stop();
    await reopened.$disconnect();
  }
}

/** A PostgreSQL server of our own, to stop and start: initdb as the postgres user on a spare port. */
function ownPostgres(port: number) {
  const bin = ["/usr/lib/postgresql"]
    .flatMap((root) => (fs.existsSync(root) ? fs.readdirSync(root).map((v) => path.join(root, v, "bin")) : []))
    .find((dir) => fs.existsSync(path.join(dir, "initdb")));
  if (!bin) return null;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "marginalia-pg-"));
  const asPostgres = (command: string, args: string[]) =>
    execFileSync("runuser", ["-u", "postgres", "--", path.join(bin, command), ...args], {
      stdio: ["ignore", "ignore", "pipe"],
    });
  execFileSync("chown", ["postgres:postgres", dir]);
  asPostgres("initdb", ["-D", path.join(dir, "data"), "-A", "trust", "-U", "postgres"]);
  const options = `-p ${port} -k /tmp -c listen_addresses=127.0.0.1`;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start: () =>
      asPostgres("pg_ctl", ["-D", path.join(dir, "data"), "-o", options, "-l", path.join(dir, "log"), "-w", "start"]),
    stop: () => asPostgres("pg_ctl", ["-D", path.join(dir, "data"), "-m", "fast", "-w", "stop"]),
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

async function databaseAway(): Promise<string> {
  const pg = ownPostgres(5499);
  if (!pg) return "skipped: no PostgreSQL server binaries (apt-get install postgresql)";
  pg.start();
  const server = { stop: () => {} } as Awaited<ReturnType<typeof startServer>>;
  let running = server;
  try {
    await runOnPostgres(pg.url, "CREATE DATABASE marginalia");
    const url = pg.url.replace(/\/postgres$/, "/marginalia");
    await applyMigrations(resolveDatabaseTarget(url));
    running = await startServer(PORT + 3, loadEnv(url), "data/reliability-away.log");
    const pageUrl = `${running.url}/articles/${SLUG}`;
    const fields = await readCommentForm(pageUrl);
    const abort = new AbortController();
    setMaxListeners(0, abort.signal);
    const answers: number[] = [];
    // Not awaited: its last requests may still be in flight when the check ends (the runner exits).
    void commentStorm({
      pageUrl,
      clients: 10,
      total: 100_000,
      tag: `away-${Date.now()}`,
      signal: abort.signal,
      onOutcome: (o) => answers.push(o.acknowledged ? 201 : o.status),
    });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    pg.stop();
    const down = performance.now();
    try {
      const page = await fetch(pageUrl);
      const html = await page.text();
      assert.equal(page.status, 200, "the article while the database is away");
      assert.match(html, /Comments are unavailable right now/);
      assert.match(html, /<h1[^>]*>[^<]+/);
      const posted = await postComment(pageUrl, fields, {
        name: "Away",
        body: "Posted while the database is away",
        ip: "10.8.8.8",
      });
      // Without JavaScript the answer is the page again, whose comment section says so; with it,
      // the form shows the action's own message (tests/e2e covers both wordings).
      assert.equal(posted.status, 200);
      assert.match(posted.html, /could not be saved: please\s+try again in a few minutes/);
    } finally {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      pg.start();
    }
    const upAt = performance.now();
    let after = await postComment(pageUrl, fields, {
      name: "Back",
      body: "Posted once the database is back",
      ip: "10.8.8.9",
    });
    while (!after.acknowledged && performance.now() - upAt < 30_000) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      after = await postComment(pageUrl, fields, {
        name: "Back",
        body: `Posted once the database is back ${Date.now()}`,
        ip: "10.8.8.9",
      });
    }
    abort.abort();
    assert.ok(after.acknowledged, `posting after PostgreSQL came back: ${after.message}`);
    const failedStatuses = answers.filter((status) => status >= 500).length;
    assert.equal(failedStatuses, 0, `${failedStatuses} posts answered 5xx during the outage`);
    return `down ${((upAt - down) / 1000).toFixed(1)} s: article served, posting said "try again"; posting worked ${((performance.now() - upAt) / 1000).toFixed(1)} s after restart, no app restart (${answers.filter((a) => a === 201).length} of ${answers.length} storm posts acknowledged, no 5xx)`;
  } finally {
    running.stop();
    try {
      pg.stop();
    } catch {
      // already stopped
    }
    pg.remove();
  }
}

async function main() {
  console.log(`reliability suite (${SHORT ? "short" : "full"}): ${JSON.stringify(SIZE)}`);
  ensureBuild();
  await check(`no loss, no duplicates: ${SIZE.storm} comments from ${SIZE.clients} clients on SQLite`, () =>
    noLoss("sqlite", freshSqlite("reliability-noloss"), PORT),
  );
  const pgReason = await postgresUnavailable(POSTGRES_SERVER_URL);
  if (pgReason) console.log(`- PostgreSQL checks skipped: ${pgReason}`);
  else {
    await check(
      `no loss, no duplicates: ${SIZE.storm} comments from ${SIZE.clients} clients on PostgreSQL`,
      async () => {
        const pg = await freshPostgres();
        try {
          return await noLoss("postgres", pg.url, PORT + 1);
        } finally {
          await pg.drop();
        }
      },
    );
  }
  await check("crash: kill -9 mid-load, restart, nothing acknowledged lost, integrity ok", crash);
  await check("database away: PostgreSQL stopped and started during load", databaseAway);
  await check(`hostile input: ${SIZE.fuzz} generated bodies to the comment action and the API`, () =>
    fuzzCommentAction(PORT + 4, SIZE.fuzz),
  );
  await securityChecks(PORT + 5, check);
  await pageCacheChecks(PORT + 6, check, SHORT ? 2_000 : 10_000);
  await check(`import: a ${SIZE.importComments}-comment Disqus export in bounded memory`, () =>
    importMemoryCheck(SIZE.importComments),
  );
  const mailSize = { followers: SIZE.followers, comments: SIZE.replies };
  const mailStorm = `${SIZE.replies} replies to ${SIZE.followers} followers with SMTP away, then kill -9 mid-send`;
  await check(`mail on SQLite: ${mailStorm}: every follower told of each, once`, () =>
    mailCheck("sqlite", freshSqlite("reliability-mail"), PORT + 30, mailSize),
  );
  if (!pgReason) {
    await check(`mail on PostgreSQL: ${mailStorm}: every follower told of each, once`, async () => {
      const pg = await freshPostgres();
      try {
        return await mailCheck("postgres", pg.url, PORT + 31, mailSize);
      } finally {
        await pg.drop();
      }
    });
  }

  const failed = outcomes.filter((o) => !o.ok).length;
  console.log(`\nreliability: ${outcomes.length - failed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

await main();
