// `npm run test:reliability` (full sizes) and `npm run test:reliability:short` (CI: smaller counts,
// the same checks): real servers (server.ts) on a fresh build, real SQLite files and PostgreSQL.
// SKIP_BUILD=1 reuses the last build. Prints one line per check and "N passed, N failed".
import assert from "node:assert/strict";
import { setMaxListeners } from "node:events";
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
} from "../support/app";
import { assertStored, commentStorm } from "../support/load";
import { ownPostgres } from "../support/postgres";
import { commentFormFields, postComment, readCommentForm } from "../support/poster";
import { waitUntil } from "../support/wait";
import { fuzzCommentAction } from "./fuzz";
import { pageCacheChecks } from "./page-cache";
import { importMemoryCheck } from "./import";
import { adminFilesCheck } from "./admin-files";
import { securityChecks } from "./security";
import { mailCheck } from "./mail";
import { fediverseCluster } from "./fediverse";
import { scaleChecks, type ScaleSizes } from "./scale";
import { articlePath } from "@/lib/routes";

const SHORT = process.argv.includes("--short");
const SIZE = SHORT
  ? {
      storm: 200,
      clients: 20,
      crash: 200,
      crashAfter: 60,
      fuzz: 300,
      importComments: 5_000,
      adminFiles: { memory: "512M", seededComments: 5_000, importComments: 5_000 },
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
      // The restore's 50 MB and the import's 100 MB, near enough.
      adminFiles: { memory: "512M", seededComments: 90_000, importComments: 170_000 },
      followers: 30,
      replies: 200,
    };
// Two instances behind nginx on a PostgreSQL server of the suite's own (tests/reliability/scale.ts).
const SCALE: ScaleSizes = SHORT
  ? { short: true, storm: 300, clients: 30, crash: 300, crashAfter: 80, trials: 6, load: 10 }
  : { short: false, storm: 5_000, clients: 100, crash: 1_500, crashAfter: 400, trials: 20, load: 20 };
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

async function noLoss(provider: string, url: string, port: number): Promise<string> {
  const db = openDb(url);
  await seedComments(db, SLUG, 4);
  const server = await startServer(port, loadEnv(url), `data/reliability-${provider}.log`);
  try {
    const tag = `noloss-${provider}-${Date.now()}`;
    const storm = await commentStorm({
      pageUrl: `${server.url}${articlePath(SLUG)}`,
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
    return `${await assertStored(db, tag, storm, SLUG)}; ${storm.perSecond.toFixed(0)} comments/s, p99 ${storm.p99.toFixed(0)} ms`;
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
  // A storm that fails before the kill (the page changed, say) must not leave the server running.
  const storm = await commentStorm({
    pageUrl: `${server.url}${articlePath(SLUG)}`,
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
        // Once it is gone nothing more can be acknowledged: the storm stops there.
        void server.exited().then(
          () => abort.abort(),
          () => abort.abort(),
        );
      }
    },
  }).catch((error: unknown) => {
    server.stop("SIGKILL");
    throw error;
  });
  assert.ok(killedAt > 0, "the server was never killed");
  await server.exited(); // its port, for the restart
  await db.$disconnect();

  const file =
    resolveDatabaseTarget(url).provider === "sqlite" ? (resolveDatabaseTarget(url) as { file: string }).file : "";
  server = await startServer(PORT + 2, loadEnv(url), "data/reliability-crash.log");
  const reopened = openDb(url);
  try {
    const stored = await assertStored(reopened, tag, storm, SLUG);
    const integrity = new Database(file, { readonly: true }).pragma("integrity_check", { simple: true });
    assert.equal(integrity, "ok", `PRAGMA integrity_check: ${integrity}`);
    const page = await fetch(`${server.url}${articlePath(SLUG)}`);
    assert.equal(page.status, 200);
    const after = await postComment(`${server.url}${articlePath(SLUG)}`, commentFormFields(await page.text()), {
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

async function databaseAway(): Promise<string> {
  const pg = ownPostgres(5499);
  if (!pg) return "skipped: no PostgreSQL server binaries (apt-get install postgresql)";
  pg.start();
  const server = { stop: () => {}, exited: async () => {} } as Awaited<ReturnType<typeof startServer>>;
  let running = server;
  try {
    await runOnPostgres(pg.url, "CREATE DATABASE marginalia");
    const url = pg.url.replace(/\/postgres$/, "/marginalia");
    await applyMigrations(resolveDatabaseTarget(url));
    running = await startServer(PORT + 3, loadEnv(url), "data/reliability-away.log");
    const pageUrl = `${running.url}${articlePath(SLUG)}`;
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
    await waitUntil(
      "10 storm posts acknowledged before the outage",
      () => answers.filter((a) => a === 201).length >= 10,
      60_000,
    );
    pg.stop();
    const down = performance.now();
    const answeredBeforeDown = answers.length;
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
      // The storm meets the outage too (its answers are checked for 5xx below): past the 10 posts
      // in flight when PostgreSQL stopped, 10 sent while it was away.
      await waitUntil(
        "10 storm posts sent and answered while the database was away",
        () => answers.length >= answeredBeforeDown + 20,
        60_000,
      );
    } finally {
      pg.start();
    }
    const upAt = performance.now();
    let after = await postComment(pageUrl, fields, {
      name: "Back",
      body: "Posted once the database is back",
      ip: "10.8.8.9",
    });
    // PostgreSQL answers once pg_ctl returns; the app's pool reconnects on its next query.
    while (!after.acknowledged && performance.now() - upAt < 60_000) {
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
  console.log(
    `reliability suite (${SHORT ? "short" : "full"}): ${JSON.stringify(SIZE)}, scale-out ${JSON.stringify(SCALE)}`,
  );
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
  await check(
    `the author's large files on a 512 MB machine (${SIZE.adminFiles.memory} cgroup): a backup of ${SIZE.adminFiles.seededComments} comments out and back in, a ${SIZE.adminFiles.importComments}-comment import`,
    () => adminFilesCheck(PORT + 7, SIZE.adminFiles),
  );
  const mailSize = { followers: SIZE.followers, comments: SIZE.replies };
  const mailStorm = `${SIZE.replies} replies to ${SIZE.followers} followers with SMTP away, then kill -9 mid-send`;
  await check(`mail on SQLite: ${mailStorm}: every follower told of each, once`, () =>
    mailCheck("sqlite", freshSqlite("reliability-mail"), PORT + 40, mailSize),
  );
  if (!pgReason) {
    await check(`mail on PostgreSQL: ${mailStorm}: every follower told of each, once`, async () => {
      const pg = await freshPostgres();
      try {
        return await mailCheck("postgres", pg.url, PORT + 41, mailSize);
      } finally {
        await pg.drop();
      }
    });
  }
  await scaleChecks(PORT + 30, check, SCALE, (name) => !ONLY || name.includes(ONLY));
  // Full form only: the instances look for new articles once a minute, so it takes over a minute.
  if (!SHORT) {
    const fediverse = "social web behind nginx, two instances on";
    const what = "follow by WebFinger, one Create(Article) per new article, a signed reply one comment";
    await check(`${fediverse} SQLite: ${what}`, () =>
      fediverseCluster("sqlite", freshSqlite("reliability-fediverse"), PORT + 50),
    );
    if (!pgReason) {
      await check(`${fediverse} PostgreSQL: ${what}`, async () => {
        const pg = await freshPostgres();
        try {
          return await fediverseCluster("postgres", pg.url, PORT + 54);
        } finally {
          await pg.drop();
        }
      });
    }
  }

  const failed = outcomes.filter((o) => !o.ok).length;
  console.log(`\nreliability: ${outcomes.length - failed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

await main();
