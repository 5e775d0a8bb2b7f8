// Several instances on one PostgreSQL, behind nginx (docs/deploy.md), checked as an operator would
// run them: a private PostgreSQL server of the suite's own (to restart), two server.ts instances on
// one build, and Debian's nginx balancing them round-robin. Then: cache invalidation between the
// instances (LISTEN/NOTIFY), a comment storm through nginx, kill -9 of an instance mid-storm, a
// rolling restart under load, PostgreSQL restarted mid-storm, the rate limit and the admin's
// lock-out across instances, backups taken under load, restored and compared, and an article
// published, changed, broken and removed on both instances' copies of content/ without a restart.
import assert from "node:assert/strict";
import { createHash, randomUUID } from "node:crypto";
import { execFile } from "node:child_process";
import { setMaxListeners } from "node:events";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import Database from "better-sqlite3";
import pg from "pg";
import { resolveDatabaseTarget } from "@/lib/server/database-url";
import { applyMigrations } from "@/scripts/lib/migrations";
import { runOnPostgres } from "@/scripts/lib/schema-engine";
import { pgTool } from "@/scripts/lib/backup";
import { E2E_CONTENT_DIR, e2eEnv } from "../e2e/support/servers";
import { freshSqlite, loadEnv, openDb, seedComments, startServer, type Db } from "../support/app";
import { nginxBinary, NGINX_ADDRESS, startCluster, type Cluster, type Instance } from "../support/cluster";
import { assertStored, commentStorm, type SentComment, type StormResult } from "../support/load";
import { ownPostgres, type OwnPostgres } from "../support/postgres";
import { waitUntil } from "../support/wait";
import {
  commentFormFields,
  mintToken,
  percentile,
  postComment,
  readCommentForm,
  type FormFields,
} from "../support/poster";

type Check = (name: string, body: () => Promise<string | void>) => Promise<void>;
const run = promisify(execFile);
const SLUG = "field-note-11";
/** The invalidation probes' article: its few comments all show on the page (the storms' article pages its threads). */
const PROBE_SLUG = "field-note-12";
const PASSWORD = "correct horse battery staple"; // e2eEnv's ADMIN_PASSWORD
/** The bound of the issue: a change on one instance reaches the others' readers within it. */
const INVALIDATION_MS = 100;
/** Each instance's content/, a copy of its own, as on machines of their own (docs/deploy.md). */
const CONTENT_COPIES = ["data/reliability-content-a", "data/reliability-content-b"] as const;
/** The article the content check publishes, changes, breaks and removes. */
const LIVE_SLUG = "published-live";
/** How soon a file copied into an instance's folder is on all its pages: the watcher's 0.3 s of quiet and one read. */
const CONTENT_LIVE_MS = 5_000;

export type ScaleSizes = {
  /** The short form (npm test) runs the invalidation, the storm, the rolling restart and the limits only. */
  short: boolean;
  /** The storm through nginx. */
  storm: number;
  clients: number;
  /** The storm that an instance's kill -9 interrupts, and after how many acknowledgements. */
  crash: number;
  crashAfter: number;
  /** Invalidation trials, half each way. */
  trials: number;
  /** Posting clients during the rolling restart, the PostgreSQL restart and the backups. */
  load: number;
};

type Setup = {
  pg: OwnPostgres;
  url: string;
  db: Db;
  cluster: Cluster;
  env: NodeJS.ProcessEnv;
  /** The comment form of the probes' article (the same on both instances: one build). */
  fields: FormFields;
};

const text = async (url: string) => (await fetch(url)).text();

/** Whether the checks can run here: they need PostgreSQL's server binaries and nginx. */
function missing(): string | null {
  if (!fs.existsSync("/usr/lib/postgresql")) return "no PostgreSQL server binaries (apt-get install postgresql)";
  if (!nginxBinary()) return "no nginx (apt-get install nginx)";
  return null;
}

async function setUp(port: number): Promise<Setup> {
  const server = ownPostgres(port + 3);
  if (!server) throw new Error("no PostgreSQL server binaries");
  server.start();
  try {
    await runOnPostgres(server.url, "CREATE DATABASE marginalia");
    const url = server.url.replace(/\/postgres$/, "/marginalia");
    await applyMigrations(resolveDatabaseTarget(url));
    const db = openDb(url);
    await seedComments(db, SLUG, 4);
    // A long cache life: a page that shows a change from the other instance can only have heard of
    // it through the channel. Debug lines carry each notification's delay.
    const env = loadEnv(url, { PAGE_CACHE_SECONDS: "60", LOG_LEVEL: "debug", SHUTDOWN_TIMEOUT_SECONDS: "20" });
    for (const suffix of ["a", "b"]) fs.rmSync(`data/reliability-scale-${suffix}.log`, { force: true });
    for (const copy of CONTENT_COPIES) {
      fs.rmSync(copy, { recursive: true, force: true });
      fs.cpSync(E2E_CONTENT_DIR, copy, { recursive: true });
    }
    const cluster = await startCluster(port, env, "data/reliability-scale", {
      instanceEnv: [{ CONTENT_DIR: CONTENT_COPIES[0] }, { CONTENT_DIR: CONTENT_COPIES[1] }],
    });
    const fields = await readCommentForm(`${cluster.nginx.url}/articles/${PROBE_SLUG}`);
    return { pg: server, url, db, cluster, env, fields };
  } catch (error) {
    server.stop();
    server.remove();
    throw error;
  }
}

type Probe = { staleUntil: number; visible: number; render: number };

/**
 * Posts a comment on `from`, and from its acknowledgement on asks `to` for the article as a reader
 * without cookies, again as soon as each answer comes, until one has the comment. `staleUntil`:
 * when the latest request still answered with the old page was sent, after the acknowledgement
 * (-Infinity for none); `visible`: when the first answer with the comment arrived (the rest of
 * `to`'s render of the new page included).
 */
async function probe(from: Instance, to: Instance, fields: FormFields): Promise<Probe> {
  const page = `${to.url}/articles/${PROBE_SLUG}`;
  // For comparison: how long `to` takes to render that page for a reader of its own (a cookie).
  const rendering = performance.now();
  await (await fetch(page, { headers: { cookie: "theme-seen=1" } })).text();
  const render = performance.now() - rendering;
  await text(page);
  await text(page); // now served from `to`'s cache
  const body = `invalidation probe ${randomUUID()}`;
  const posted = await postComment(`${from.url}/articles/${PROBE_SLUG}`, fields, {
    name: "Probe",
    body,
    ip: "10.77.0.1",
  });
  const ack = performance.now();
  assert.ok(posted.acknowledged, `posting on ${from.name}: ${posted.status} ${posted.message}`);
  // One reader asking again and again, as fast as the answers come (the old page comes from the cache at once).
  let staleUntil = -Infinity;
  let visible = Infinity;
  while (performance.now() - ack < 30_000) {
    const issued = performance.now() - ack;
    if ((await text(page)).includes(body)) {
      visible = performance.now() - ack;
      break;
    }
    staleUntil = issued;
  }
  assert.ok(visible < Infinity, `the comment posted on ${from.name} is not on ${to.name}'s page after 30 s`);
  return { staleUntil, visible, render };
}

/** The channel's own delays: how long each notification took from one instance to the other (their debug lines). */
function notificationDelays(since: number): number[] {
  const delays: number[] = [];
  for (const name of ["a", "b"]) {
    for (const line of fs.readFileSync(`data/reliability-scale-${name}.log`, "utf8").split("\n")) {
      if (!line.includes('"delayMs"')) continue;
      const entry = JSON.parse(line) as { time: string; delayMs: number };
      if (Date.parse(entry.time) >= since) delays.push(entry.delayMs);
    }
  }
  return delays;
}

/**
 * `bound`: whether to hold the trials to INVALIDATION_MS. A figure of speed, measured by the full
 * suite (run by hand, on a quiet machine); the short form (npm test, on a loaded CI machine) checks
 * that every change arrives and reports the figures.
 */
async function invalidationTrials(setup: Setup, trials: number, bound: boolean): Promise<string> {
  const [a, b] = setup.cluster.instances;
  const since = Date.now();
  const probes: Probe[] = [];
  for (let i = 0; i < trials; i++)
    probes.push(await (i % 2 === 0 ? probe(a, b, setup.fields) : probe(b, a, setup.fields)));
  const stale = probes.filter((p) => p.staleUntil > 0);
  const late = probes.filter((p) => p.staleUntil > INVALIDATION_MS);
  assert.ok(
    !bound || late.length === 0,
    `an instance served the old page to a request made ${Math.max(...late.map((p) => p.staleUntil)).toFixed(0)} ms after the other acknowledged the comment`,
  );
  const visible = probes.map((p) => p.visible);
  // What a reader waits for beyond the render any changed page takes (the cache channel's part).
  const beyond =
    percentile(visible, 50) -
    percentile(
      probes.map((p) => p.render),
      50,
    );
  assert.ok(
    !bound || beyond <= INVALIDATION_MS,
    `the new page came ${beyond.toFixed(0)} ms later than a render takes (p50)`,
  );
  const delays = notificationDelays(since);
  const delayText = delays.length
    ? `NOTIFY delivered in p50 ${percentile(delays, 50).toFixed(1)} ms, max ${Math.max(...delays).toFixed(1)} ms`
    : "no delay lines logged";
  return `${trials} trials, half each way: ${delayText}; ${
    stale.length === 0
      ? "no request after the acknowledgement got the old page"
      : `the old page answered requests up to ${Math.max(...stale.map((p) => p.staleUntil)).toFixed(0)} ms after the acknowledgement in ${stale.length} trials`
  }; the comment on the other instance's page ${percentile(visible, 50).toFixed(0)} ms after the acknowledgement (p50; max ${Math.max(...visible).toFixed(0)} ms), a render of that page there taking ${percentile(
    probes.map((p) => p.render),
    50,
  ).toFixed(0)} ms (p50)`;
}

/**
 * The article written into every instance's copy as a deploy writes it (rsync: a temporary file
 * renamed into place, one machine after the other); null removes it.
 */
function deployArticle(text: string | null): void {
  for (const dir of CONTENT_COPIES) {
    const file = path.join(dir, `${LIVE_SLUG}.md`);
    if (text === null) {
      fs.rmSync(file, { force: true });
      continue;
    }
    const temporary = path.join(dir, `.${LIVE_SLUG}.md.partial`);
    fs.writeFileSync(temporary, text);
    fs.renameSync(temporary, file);
  }
}

/**
 * Asks each instance, and nginx, for `address` until its answer `holds`, each answer asked for as
 * soon as the last came; fails once `bound` ms have passed since `since`. How long each took.
 */
async function servedEverywhere(
  s: Setup,
  address: string,
  holds: (status: number, body: string) => boolean,
  what: string,
  bound: number,
  since = performance.now(),
): Promise<number[]> {
  const bases = [...s.cluster.instances.map((instance) => instance.url), s.cluster.nginx.url];
  return Promise.all(
    bases.map(async (base) => {
      for (;;) {
        const response = await fetch(`${base}${address}`);
        const body = await response.text();
        if (holds(response.status, body)) return performance.now() - since;
        assert.ok(
          performance.now() - since < bound,
          `${what}: ${base}${address} still answers ${response.status} without it ${bound} ms after the copy`,
        );
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }),
  );
}

/** Whether instance `name`'s log has, since `since`, its warning that the article's file was refused with its last good version kept. */
function loggedRefusal(name: "a" | "b", since: number): boolean {
  return fs
    .readFileSync(`data/reliability-scale-${name}.log`, "utf8")
    .split("\n")
    .filter((line) => line.includes('"event":"content"'))
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as { time: string; level: string; file?: string; kept?: boolean }];
      } catch {
        return []; // the line being written as it was read
      }
    })
    .some(
      (entry) =>
        Date.parse(entry.time) >= since &&
        entry.level === "warn" &&
        entry.file?.endsWith(`${LIVE_SLUG}.md`) &&
        entry.kept === true,
    );
}

/**
 * An article published without a restart, as a deploy copies it to each machine: added, changed
 * (each instance's kept page of it dropped), broken (the last good version stays up, the problem
 * logged by both), removed; on each instance and through nginx, each within `bound`.
 */
async function contentTrials(s: Setup, bound: number): Promise<string> {
  const page = `/articles/${LIVE_SLUG}`;
  const today = new Date().toISOString().slice(0, 10);
  const article = (title: string, body: string, date = today) =>
    `---\ntitle: ${title}\ndescription: Published without a rebuild.\nauthor: Ahmad Waqar\ndate: ${date}\ntags: [Live]\n---\n\n${body}\n`;
  const most = (times: number[]) => `${Math.max(...times).toFixed(0)} ms`;
  try {
    deployArticle(null);
    await servedEverywhere(s, page, (status) => status === 404, "no article before the copy", 30_000);

    const first = `first version ${randomUUID()}`;
    let copied = performance.now();
    deployArticle(article("Published live", first));
    const added = await servedEverywhere(
      s,
      page,
      (status, body) => status === 200 && body.includes(first),
      "the new article",
      bound,
      copied,
    );
    await servedEverywhere(
      s,
      "/",
      (_, body) => body.includes("Published live"),
      "the new article on the index",
      bound,
      copied,
    );
    await servedEverywhere(
      s,
      "/feed.xml",
      (_, body) => body.includes(first),
      "the new article in the RSS feed",
      bound,
      copied,
    );
    await servedEverywhere(
      s,
      "/sitemap.xml",
      (_, body) => body.includes(page),
      "the new article in the sitemap",
      bound,
      copied,
    );

    // Each instance keeps the page for readers without cookies (PAGE_CACHE_SECONDS=60): the change drops it.
    for (const instance of s.cluster.instances) for (let i = 0; i < 3; i++) await text(`${instance.url}${page}`);
    const second = `second version ${randomUUID()}`;
    copied = performance.now();
    deployArticle(article("Published live, revised", second));
    const changed = await servedEverywhere(
      s,
      page,
      (_, body) => body.includes(second) && !body.includes(first),
      "the changed article",
      bound,
      copied,
    );
    await servedEverywhere(
      s,
      "/atom.xml",
      (_, body) => body.includes(second) && !body.includes(first),
      "the change in the Atom feed",
      bound,
      copied,
    );

    const since = Date.now();
    copied = performance.now();
    deployArticle(article("Published live, broken", `broken version ${randomUUID()}`, "2026-02-31"));
    await waitUntil(
      "both instances to log the broken file",
      () => loggedRefusal("a", since) && loggedRefusal("b", since),
      bound,
      20,
    );
    await servedEverywhere(
      s,
      page,
      (status, body) => status === 200 && body.includes(second) && !body.includes("broken version"),
      "the last good version",
      bound,
      copied,
    );

    copied = performance.now();
    deployArticle(null);
    const removed = await servedEverywhere(
      s,
      page,
      (status) => status === 404,
      "the removed article gone",
      bound,
      copied,
    );
    await servedEverywhere(
      s,
      "/feed.xml",
      (_, body) => !body.includes(second),
      "the removed article out of the RSS feed",
      bound,
      copied,
    );
    return `both instances (directly and through nginx) served a new article ${most(added)} after its copy, a change ${most(changed)} after (their kept pages dropped), kept the last good version of a broken copy (logged by both), and left out a removed one ${most(removed)} after; the index, feeds and sitemap in step`;
  } finally {
    deployArticle(null);
  }
}

/** How many POSTs each instance answered, from nginx's access log. */
function answeredBy(setup: Setup): string {
  const counts = new Map<string, number>();
  for (const line of fs.readFileSync(setup.cluster.nginx.accessLog, "utf8").split("\n")) {
    const match = /"POST [^"]*" \d+ (\S+)/.exec(line);
    if (match) counts.set(match[1], (counts.get(match[1]) ?? 0) + 1);
  }
  const [a, b] = setup.cluster.instances;
  const name = (upstream: string) =>
    upstream.replace(`127.0.0.1:${a.port}`, "A").replace(`127.0.0.1:${b.port}`, "B").replace(/, /g, "→");
  return [...counts]
    .sort((x, y) => y[1] - x[1])
    .map(([upstream, count]) => `${name(upstream)} ${count}`)
    .join(", ");
}

const statusText = (storm: Pick<StormResult, "statuses">) =>
  Object.entries(storm.statuses)
    .map(([status, count]) => `${count}× ${status}`)
    .join(", ");

const storms = new Set<{ stop: () => Promise<StormResult> }>();

/**
 * A storm that runs until stopped, each outcome stamped with whether the test had stopped it yet.
 * A check that fails midway leaves none running: scaleChecks stops them after each check.
 */
function endlessStorm(pageUrl: string, clients: number, tag: string) {
  const abort = new AbortController();
  const finishing = new AbortController();
  setMaxListeners(0, abort.signal);
  const outcomes: (SentComment & { afterStop: boolean })[] = [];
  const done = commentStorm({
    pageUrl,
    clients,
    total: 10_000_000,
    tag,
    signal: abort.signal,
    finish: finishing.signal,
    onOutcome: (outcome) => outcomes.push({ ...outcome, afterStop: abort.signal.aborted }),
  });
  const storm = {
    outcomes,
    acknowledged: () => outcomes.filter((o) => o.acknowledged).length,
    /** Waits until `count` more posts are acknowledged. */
    acknowledges: (count: number, what: string) => {
      const until = storm.acknowledged() + count;
      return waitUntil(`${count} comments acknowledged ${what}`, () => storm.acknowledged() >= until, 60_000, 50);
    },
    /** Stops at once: posts under way are abandoned (the server may still finish them). */
    stop: async () => {
      abort.abort();
      storms.delete(storm);
      return done;
    },
    /** Stops sending; resolves once every post under way is answered (the server is done with them). */
    finish: async () => {
      finishing.abort();
      storms.delete(storm);
      return done;
    },
  };
  storms.add(storm);
  return storm;
}

/** Failures a reader would have seen while the storm ran: 5xx, or no answer at all. */
function failures(outcomes: (SentComment & { afterStop: boolean })[]) {
  const failed = outcomes.filter((o) => !o.afterStop && (o.status >= 500 || o.status === 0));
  return { count: failed.length, example: failed[0] && `${failed[0].status} ${failed[0].message}` };
}

/** Every row of every table (the migration history aside), as sorted JSON lines: counts and a checksum. */
async function tableDigests(url: string): Promise<Record<string, { count: number; sha256: string }>> {
  const target = resolveDatabaseTarget(url);
  const digests: Record<string, { count: number; sha256: string }> = {};
  const digest = (table: string, rows: Record<string, unknown>[]) => {
    const lines = rows.map((row) => JSON.stringify(Object.entries(row).sort(([x], [y]) => x.localeCompare(y)))).sort();
    digests[table] = { count: rows.length, sha256: createHash("sha256").update(lines.join("\n")).digest("hex") };
  };
  if (target.provider === "sqlite") {
    const db = new Database(target.file, { readonly: true });
    try {
      const tables = db
        .prepare(
          "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != '_prisma_migrations'",
        )
        .pluck()
        .all() as string[];
      for (const table of tables)
        digest(table, db.prepare(`SELECT * FROM "${table}"`).all() as Record<string, unknown>[]);
    } finally {
      db.close();
    }
    return digests;
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>(
      "SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() AND tablename != '_prisma_migrations'",
    );
    for (const { name } of rows) digest(name, (await client.query(`SELECT * FROM "${name}"`)).rows);
  } finally {
    await client.end();
  }
  return digests;
}

/** Comments by id, each as one JSON line, for comparing a restored copy with its source row by row. */
async function commentRows(url: string): Promise<Map<string, string>> {
  const db = openDb(url);
  try {
    const rows = await db.comment.findMany();
    return new Map(rows.map((row) => [row.id, JSON.stringify(row)]));
  } finally {
    await db.$disconnect();
  }
}

const npmScript = (script: string, args: string[], url: string) =>
  run("node_modules/.bin/tsx", [`scripts/${script}.ts`, ...args], { env: e2eEnv(url) }).then(
    ({ stdout, stderr }) => ({ code: 0, output: `${stdout}${stderr}`.trim() }),
    (error: { code?: number; stdout?: string; stderr?: string }) => ({
      code: error.code ?? 1,
      output: `${error.stdout ?? ""}${error.stderr ?? ""}`.trim(),
    }),
  );

/**
 * A backup taken while `pageUrl` takes comments, restored into the empty database `emptyUrl`:
 * every comment acknowledged before the backup began is in it, and every restored row is its
 * source's, byte for byte. Then, at rest, a second backup and restore: every table equal, counts
 * and checksums. A restore into a database with rows is refused, and changes nothing.
 */
async function backupRoundTrip(
  label: string,
  sourceUrl: string,
  pageUrl: string,
  clients: number,
  emptyUrls: [string, string],
  backupDir: string,
): Promise<string> {
  const load = endlessStorm(pageUrl, clients, `backup-${label}-${Date.now()}`);
  await load.acknowledges(10, "before the backup");
  const before = load.outcomes.filter((o) => o.acknowledged).map((o) => o.body);
  const underLoad = path.join(backupDir, `under-load.${label === "SQLite" ? "db" : "dump"}`);
  const backedUp = await npmScript("db-backup", [underLoad], sourceUrl);
  assert.equal(backedUp.code, 0, `db:backup under load: ${backedUp.output}`);
  const during = load.acknowledged() - before.length;
  // Comments the backup cannot hold: acknowledged after it was written.
  await load.acknowledges(5, "after the backup");
  // Every post answered: none still on its way into the source while it is compared below.
  const storm = await load.finish();
  const failed = failures(load.outcomes);
  assert.equal(failed.count, 0, `${failed.count} posts failed during the backup, e.g. ${failed.example}`);

  const restored = await npmScript("db-restore", [underLoad], emptyUrls[0]);
  assert.equal(restored.code, 0, `db:restore: ${restored.output}`);
  const source = await commentRows(sourceUrl);
  const copy = await commentRows(emptyUrls[0]);
  const copyBodies = new Set([...copy.values()].map((row) => (JSON.parse(row) as { body: string }).body));
  const lost = before.filter((body) => !copyBodies.has(body));
  assert.equal(lost.length, 0, `${lost.length} comments acknowledged before the backup began are not in it`);
  for (const [id, row] of copy) assert.equal(row, source.get(id), `restored comment ${id} differs from its source`);
  assert.ok(copy.size < source.size, "the storm went on after the backup, yet the backup holds every comment");

  const again = await npmScript("db-restore", [underLoad], emptyUrls[0]);
  assert.notEqual(again.code, 0, "a restore into a database with rows was not refused");
  assert.match(again.output, /Refused: .* is not empty/);
  assert.equal((await commentRows(emptyUrls[0])).size, copy.size, "the refused restore changed the database");

  const atRest = path.join(backupDir, `at-rest.${label === "SQLite" ? "db" : "dump"}`);
  const second = await npmScript("db-backup", [atRest], sourceUrl);
  assert.equal(second.code, 0, `db:backup at rest: ${second.output}`);
  const third = await npmScript("db-restore", [atRest], emptyUrls[1]);
  assert.equal(third.code, 0, `db:restore at rest: ${third.output}`);
  const [from, to] = await Promise.all([tableDigests(sourceUrl), tableDigests(emptyUrls[1])]);
  // A restore signs the admin out and expires the unused one-time links (scripts/lib/backup.ts):
  // those two tables differ by design, the rest is equal.
  const signedOut = ["AdminSession", "MailToken"];
  const kept = (digests: typeof from) =>
    Object.fromEntries(Object.entries(digests).filter(([table]) => !signedOut.includes(table)));
  assert.deepEqual(kept(to), kept(from), "the restored database differs from its source");
  assert.equal(to.AdminSession?.count ?? 0, 0, "the restored database kept the backup's admin sessions");
  assert.equal(to.MailToken?.count, from.MailToken?.count, "the restored database lost one-time links");
  return `under load (${storm.acknowledged} comments acknowledged, ${during} while the backup ran, no failure): the restored copy holds all ${before.length} acknowledged before it and ${copy.size} rows identical to their source; a second restore into it refused; at rest: ${Object.keys(from).length} tables, counts and SHA-256 equal (${from.Comment?.count ?? 0} comments); ${backedUp.output.split("\n").at(-1)}`;
}

/** An HTTP request from a local address of its own (nginx sees it as the client's address). */
function requestFrom(
  localAddress: string,
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: Buffer } = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      { method: options.method ?? "GET", headers: options.headers, localAddress },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
      },
    );
    request.on("error", reject);
    request.end(options.body);
  });
}

async function multipart(fields: Record<string, string>): Promise<{ body: Buffer; type: string }> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.set(name, value);
  const encoded = new Response(form);
  return { body: Buffer.from(await encoded.arrayBuffer()), type: encoded.headers.get("content-type")! };
}

/** A multipart POST of a form's fields with some set, as a browser sends it. */
async function multipartRequest(fields: Record<string, string>, set: Record<string, string>, headers = {}) {
  const { body, type } = await multipart({ ...fields, ...set });
  return { body, headers: { ...headers, "content-type": type } };
}

const hidden = (html: string, from: string) => {
  const start = html.indexOf(from);
  assert.ok(start >= 0, `no ${from} on the page`);
  const form = html.slice(start, html.indexOf("</form>", start));
  const fields: Record<string, string> = {};
  for (const m of form.matchAll(/<input type="hidden" name="([^"]+)"(?: value="([^"]*)")?/g))
    fields[m[1]] = (m[2] ?? "").replace(/&quot;/g, '"').replace(/&amp;/g, "&");
  return fields;
};

export async function scaleChecks(port: number, check: Check, size: ScaleSizes, wanted: (name: string) => boolean) {
  const names = {
    invalidation: `scale: a comment posted on one instance is on the other's cached page${size.short ? "" : ` within ${INVALIDATION_MS} ms`} (LISTEN/NOTIFY)`,
    storm: `scale: ${size.storm} comments from ${size.clients} clients through nginx to two instances, each stored once`,
    crash: "scale: kill -9 of one instance mid-storm, nginx moves on, nothing acknowledged lost",
    rolling: "scale: rolling restart under load (SIGTERM, start, next): no 5xx, nothing lost, exit 0",
    database: "scale: PostgreSQL restarted mid-storm, both instances recover and the cache channel reconnects",
    limits: "scale: the rate limit and the admin lock-out hold across instances through nginx",
    rules:
      "scale: a discussion locked on one instance refuses the other's next comment, and reopened takes it (the rules each keeps, told over the channel)",
    backupPostgres: "scale: db:backup under load and db:restore on PostgreSQL (pg_dump), equal counts and checksums",
    backupSqlite:
      "scale: db:backup under load and db:restore on SQLite (online backup API), equal counts and checksums",
    content: `scale: content changed on both instances' copies is on both, and through nginx, within ${size.short ? 20 : CONTENT_LIVE_MS / 1000} s without a restart (added, changed, broken: the last good version stays, removed)`,
  };
  const inShort = new Set([names.invalidation, names.storm, names.rules, names.rolling, names.limits, names.content]);
  const runs = (name: string) => wanted(name) && (!size.short || inShort.has(name));
  if (!Object.values(names).some(runs)) return;
  const maybe: Check = (name, body) => (runs(name) ? check(name, body) : Promise.resolve());
  const why = missing();
  let setup: Promise<Setup> | undefined;
  const ready = () => (setup ??= setUp(port));
  // Each check starts with both instances up, whatever the one before left, and leaves no storm running.
  const guard = (body: (s: Setup) => Promise<string>) => async () => {
    if (why) return `skipped: ${why}`;
    const s = await ready();
    for (const instance of s.cluster.instances) if (!instance.running) await instance.start();
    try {
      return await body(s);
    } finally {
      for (const storm of [...storms]) await storm.stop();
    }
  };
  const backupDir = fs.mkdtempSync(path.join(os.tmpdir(), "marginalia-backups-"));
  try {
    await maybe(
      names.invalidation,
      guard((s) => invalidationTrials(s, size.trials, !size.short)),
    );

    await maybe(
      names.storm,
      guard(async (s) => {
        const tag = `scale-storm-${Date.now()}`;
        const storm = await commentStorm({
          pageUrl: `${s.cluster.nginx.url}/articles/${SLUG}`,
          clients: size.clients,
          total: size.storm,
          tag,
          parents: [`seed-${SLUG}-0`, `seed-${SLUG}-1`],
        });
        assert.equal(
          storm.acknowledged,
          size.storm,
          `only ${storm.acknowledged} of ${size.storm} acknowledged: ${statusText(storm)} ${storm.sent.find((o) => !o.acknowledged)?.message}`,
        );
        const stored = await assertStored(s.db, tag, storm, SLUG);
        return `${stored}; ${storm.perSecond.toFixed(0)} comments/s, p99 ${storm.p99.toFixed(0)} ms; POSTs answered by ${answeredBy(s)}`;
      }),
    );

    await maybe(
      names.rules,
      guard(async (s) => {
        const [a, b] = s.cluster.instances;
        const onB = `${b.url}/articles/${PROBE_SLUG}`;
        const post = async (i: number) =>
          postComment(onB, s.fields, {
            name: "Ruled",
            body: `rules across instances ${i} ${randomUUID()}`,
            ip: "10.77.0.9",
          });
        // b has read the rules (and keeps them) before a changes them.
        const before = await post(0);
        assert.ok(before.acknowledged, `before the lock: ${before.status} ${before.message}`);
        // The author signs in on a and locks the discussion with the page's own button (no JavaScript).
        const login = await requestFrom("127.0.0.1", `${a.url}/admin`, {
          method: "POST",
          ...(await multipartRequest(
            hidden(await text(`${a.url}/admin`), '<form class="comment-form login-form"'),
            {
              password: PASSWORD,
            },
            { origin: a.url },
          )),
        });
        const session = /mg_admin=[^;]+/.exec(String(login.headers["set-cookie"] ?? ""))?.[0];
        assert.ok(session, `signing in on ${a.name}: ${login.status}`);
        const moderate = async (action: "lock" | "unlock", button: string) => {
          const page = (
            await requestFrom("127.0.0.1", `${a.url}/articles/${PROBE_SLUG}`, { headers: { cookie: session } })
          ).body;
          const form = page.lastIndexOf("<form", page.indexOf(button));
          const answer = await requestFrom("127.0.0.1", `${a.url}/articles/${PROBE_SLUG}`, {
            method: "POST",
            ...(await multipartRequest(
              hidden(page.slice(form), "<form"),
              { action },
              { cookie: session, origin: a.url },
            )),
          });
          assert.equal(answer.status, 303, `${action} on ${a.name}`);
        };
        await moderate("lock", "Lock the discussion");
        const locked = await post(1);
        assert.ok(
          !locked.acknowledged && /This discussion is closed/.test(locked.html),
          `the post on ${b.name} right after the lock on ${a.name}: ${locked.status} ${locked.message}`,
        );
        await moderate("unlock", "Reopen the discussion");
        const reopened = await post(2);
        assert.ok(
          reopened.acknowledged,
          `the post on ${b.name} right after reopening on ${a.name}: ${reopened.message}`,
        );
        return `${b.name} took a comment, refused the next one right after ${a.name} locked the discussion (the page says it is closed), and took one right after ${a.name} reopened it`;
      }),
    );

    await maybe(
      names.content,
      guard((s) => contentTrials(s, size.short ? 20_000 : CONTENT_LIVE_MS)),
    );

    await maybe(
      names.crash,
      guard(async (s) => {
        const [a] = s.cluster.instances;
        const tag = `scale-crash-${Date.now()}`;
        let acknowledged = 0;
        let killedAt = 0;
        let killed: Promise<unknown> = Promise.resolve();
        const storm = await commentStorm({
          pageUrl: `${s.cluster.nginx.url}/articles/${SLUG}`,
          clients: size.clients,
          total: size.crash,
          tag,
          parents: [`seed-${SLUG}-0`],
          onOutcome: (outcome) => {
            if (outcome.acknowledged) acknowledged++;
            if (acknowledged >= size.crashAfter && !killedAt) {
              killedAt = acknowledged;
              killed = a.kill();
            }
          },
        });
        await killed;
        assert.ok(killedAt > 0, "instance A was never killed");
        const stored = await assertStored(s.db, tag, storm, SLUG);
        const failed = storm.sent.filter((o) => !o.acknowledged);
        await a.start();
        const told = new Map<string, number>();
        for (const o of failed)
          told.set(`${o.status} "${o.message}"`, (told.get(`${o.status} "${o.message}"`) ?? 0) + 1);
        const answers = [...told].map(([answer, count]) => `${count}× ${answer}`).join(", ");
        return `A killed with SIGKILL after ${killedAt} acknowledgements; ${stored}; ${failed.length ? `not acknowledged: ${answers}` : "every post acknowledged (nginx passed A's to B)"}; A started again`;
      }),
    );

    await maybe(
      names.rolling,
      guard(async (s) => {
        const tag = `scale-rolling-${Date.now()}`;
        const load = endlessStorm(`${s.cluster.nginx.url}/articles/${SLUG}`, size.load, tag);
        await load.acknowledges(10, "before the first restart");
        const steps: string[] = [];
        for (const instance of s.cluster.instances) {
          const before = load.acknowledged();
          const exit = await instance.stop("SIGTERM");
          assert.equal(exit.code, 0, `instance ${instance.name} exited with ${exit.code ?? exit.signal} after SIGTERM`);
          const started = performance.now();
          await instance.start();
          steps.push(
            `${instance.name} drained and exited 0 in ${exit.ms.toFixed(0)} ms, ready again in ${((performance.now() - started) / 1000).toFixed(1)} s (${load.acknowledged() - before} posts acknowledged meanwhile)`,
          );
          // nginx passed it by while it was down: the next one stops once nginx sends it requests again.
          await s.cluster.nginx.reaches(instance.port);
        }
        const storm = await load.stop();
        const failed = failures(load.outcomes);
        assert.equal(
          failed.count,
          0,
          `${failed.count} posts failed during the rolling restart, e.g. ${failed.example}`,
        );
        const stored = await assertStored(s.db, tag, storm, SLUG);
        const refused = load.outcomes.filter((o) => !o.acknowledged && !o.afterStop);
        return `${steps.join("; ")}; ${stored} (${refused.length ? `${refused.length} answered otherwise before the load stopped: ${refused[0].status} "${refused[0].message}"` : "every post answered before the load stopped was acknowledged"}); no 5xx`;
      }),
    );

    await maybe(
      names.database,
      guard(async (s) => {
        const tag = `scale-database-${Date.now()}`;
        const load = endlessStorm(`${s.cluster.nginx.url}/articles/${SLUG}`, size.load, tag);
        await load.acknowledges(10, "before PostgreSQL stops");
        s.pg.stop();
        const down = performance.now();
        // Down until the storm has met it: past the posts in flight at the stop, as many sent meanwhile.
        const answeredAtDown = load.outcomes.length;
        await waitUntil(
          "posts answered while PostgreSQL is down",
          () => load.outcomes.length >= answeredAtDown + 2 * size.load,
          60_000,
          50,
        );
        s.pg.start();
        const up = performance.now();
        const recovered: string[] = [];
        for (const instance of s.cluster.instances) {
          for (;;) {
            const state = (await (await fetch(`${instance.url}/readyz`)).json()) as {
              status: string;
              cacheChannel: string;
            };
            if (state.status === "ready" && state.cacheChannel === "listening") break;
            assert.ok(
              performance.now() - up < 60_000,
              `${instance.name} not ready with its channel 60 s after: ${JSON.stringify(state)}`,
            );
            await new Promise((resolve) => setTimeout(resolve, 100));
          }
          recovered.push(
            `${instance.name} ready and listening ${((performance.now() - up) / 1000).toFixed(1)} s after`,
          );
        }
        // Posting goes on as before: 20 more comments acknowledged through nginx.
        await load.acknowledges(20, "once PostgreSQL is back");
        const storm = await load.stop();
        const failed = failures(load.outcomes);
        assert.equal(failed.count, 0, `${failed.count} posts answered 5xx or not at all, e.g. ${failed.example}`);
        const stored = await assertStored(s.db, tag, storm, SLUG);
        const refused = storm.sent.filter((o) => !o.acknowledged && o.status === 200).length;
        const invalidation = await invalidationTrials(s, 4, !size.short);
        return `down ${((up - down) / 1000).toFixed(1)} s; ${recovered.join(", ")}, no restart; ${refused} posts told to try again meanwhile; ${stored}; invalidation after: ${invalidation}`;
      }),
    );

    await maybe(
      names.backupPostgres,
      guard(async (s) => {
        if (!(await pgTool("pg_dump"))) return "skipped: pg_dump is not installed (apt-get install postgresql-client)";
        const empty: [string, string] = [
          s.url.replace(/\/marginalia$/, "/restored_1"),
          s.url.replace(/\/marginalia$/, "/restored_2"),
        ];
        for (const url of empty) await runOnPostgres(s.pg.url, `CREATE DATABASE ${url.split("/").at(-1)}`);
        return backupRoundTrip(
          "PostgreSQL",
          s.url,
          `${s.cluster.nginx.url}/articles/${SLUG}`,
          size.load,
          empty,
          backupDir,
        );
      }),
    );

    await maybe(
      names.limits,
      guard(async (s) => {
        // The site's own limits from here on: both instances restarted without the raised ones. The
        // hour's limit is the minute's, so no post of the six, however slowly sent, leaves the window.
        const strict = {
          ...e2eEnv(s.url, { PAGE_CACHE_SECONDS: "60", COMMENT_RATE_PER_MINUTE: "5", COMMENT_RATE_PER_HOUR: "5" }),
          TRUST_PROXY: NGINX_ADDRESS,
        };
        await Promise.all(
          s.cluster.instances.map(async (instance) => {
            assert.equal((await instance.stop()).code, 0);
            await instance.start(strict);
          }),
        );
        // nginx passed them by while they restarted: both take requests again before the round-robin is judged.
        for (const instance of s.cluster.instances) await s.cluster.nginx.reaches(instance.port);
        const nginx = s.cluster.nginx.url;
        const pageUrl = `${nginx}/articles/${SLUG}`;
        const fields = commentFormFields(await text(pageUrl));
        // One reader (one address as nginx sees it) posting 6 comments in a minute, each claiming
        // another address in X-Forwarded-For: the 6th is refused, whichever instance answers.
        const answers: { status: number; upstream: string; limited: boolean }[] = [];
        for (let i = 0; i < 6; i++) {
          const { body, type } = await multipart({
            ...fields,
            token: mintToken(),
            website: "",
            name: "Eager",
            body: `rate limit across instances ${i} ${randomUUID()}`,
          });
          const response = await requestFrom("127.0.0.21", pageUrl, {
            method: "POST",
            headers: { "content-type": type, origin: nginx, "x-forwarded-for": `203.0.113.${i + 1}` },
            body,
          });
          answers.push({
            status: response.status,
            upstream: String(response.headers["x-upstream"]),
            limited: /commenting faster than we allow/.test(response.body),
          });
        }
        assert.deepEqual(
          answers.map((a) => a.status),
          [303, 303, 303, 303, 303, 200],
          `answers: ${JSON.stringify(answers)}`,
        );
        assert.ok(answers[5].limited, "the 6th comment in a minute was not refused for the rate limit");
        const posters = new Set(answers.map((a) => a.upstream));
        assert.equal(posters.size, 2, `every post went to ${[...posters]}: round-robin expected`);

        // Ten wrong passwords from one address, alternately to each instance; then the right one, on both, is refused.
        const loginForm = hidden(await text(`${nginx}/admin`), '<form class="comment-form login-form"');
        const attempt = async (password: string) => {
          const { body, type } = await multipart({ ...loginForm, password });
          const response = await requestFrom("127.0.0.22", `${nginx}/admin`, {
            method: "POST",
            headers: { "content-type": type, origin: nginx },
            body,
          });
          return {
            upstream: String(response.headers["x-upstream"]),
            wrong: /That password is not right/.test(response.body),
            locked: /Too many failed attempts/.test(response.body),
            signedIn: String(response.headers["set-cookie"] ?? "").includes("mg_admin="),
          };
        };
        const wrong = [];
        for (let i = 0; i < 10; i++) wrong.push(await attempt(`wrong password ${i}`));
        assert.ok(
          wrong.every((w) => w.wrong),
          `ten wrong passwords: ${JSON.stringify(wrong)}`,
        );
        const right = [];
        for (let i = 0; i < 4; i++) right.push(await attempt(PASSWORD));
        assert.ok(
          right.every((r) => r.locked && !r.signedIn),
          `the right password after ten failures: ${JSON.stringify(right)}`,
        );
        const lockers = new Set(right.map((r) => r.upstream));
        assert.equal(lockers.size, 2, `the lock-out was only seen on ${[...lockers]}`);
        return `6 comments in a minute from one reader (6 forged X-Forwarded-For) through nginx: 5 posted, the 6th refused, answered by both instances; 10 wrong passwords spread over both instances lock the address out on both (4 attempts with the right password refused)`;
      }),
    );

    await maybe(
      names.backupSqlite,
      guard(async () => {
        const url = freshSqlite("reliability-backup");
        const db = openDb(url);
        await seedComments(db, SLUG, 4);
        await db.$disconnect();
        const empty: [string, string] = [
          "file:./data/reliability-restored-1.db",
          "file:./data/reliability-restored-2.db",
        ];
        for (const file of empty)
          for (const suffix of ["", "-wal", "-shm"])
            fs.rmSync(`${file.slice("file:".length)}${suffix}`, { force: true });
        const server = await startServer(port + 4, loadEnv(url), "data/reliability-backup.log");
        try {
          return await backupRoundTrip("SQLite", url, `${server.url}/articles/${SLUG}`, size.load, empty, backupDir);
        } finally {
          server.stop();
        }
      }),
    );
  } finally {
    fs.rmSync(backupDir, { recursive: true, force: true });
    const done = await setup?.catch(() => undefined);
    if (done) {
      await done.db.$disconnect();
      await done.cluster.stop();
      done.pg.stop();
      done.pg.remove();
    }
  }
}
