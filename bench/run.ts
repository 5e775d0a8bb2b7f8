// `npm run bench`: the figures in bench/results.md, against `next build` and server.ts on loopback.
// Every load generator runs in a process of its own (autocannon; bench/post-client.ts), and each
// figure is measured right after its baseline in the same run, so ratios hold on a noisy machine.
// BENCH_SECONDS (default 10) sets each autocannon run; BENCH_POSTS (default 2000) the comments per
// posting run; SKIP_BUILD=1 reuses the last build.
import { execFile, spawn } from "node:child_process";
import fs from "node:fs";
import { promisify } from "node:util";
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
  type RunningServer,
} from "../tests/reliability/support/app";
import { percentile } from "../tests/reliability/support/poster";
import { articleCss, articleJavaScript } from "./weight";
import { scaleBench, SCALE_HEADING, withSection, writeResults } from "./scale";

const run = promisify(execFile);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const POSTS = Number(process.env.BENCH_POSTS ?? 2000);
const PORT = 3410;
const ARTICLE = "monolith-vs-microservices";
const GROWTH: Array<[string, number]> = [
  ["field-note-01", 10],
  ["field-note-03", 1_000],
  ["field-note-04", 5_000],
  ["field-note-05", 10_000],
];
const lines: string[] = [];
const say = (line = "") => {
  console.log(line);
  lines.push(line);
};
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const ms = (value: number) => `${value.toFixed(1)} ms`;

type Cannon = { rps: number; p50: number; p99: number; errors: number; non2xx: number };

// Any cookie makes the page one rendered for its reader (lib/server/page-cache.ts serves only readers without).
const READER_COOKIE = "theme-seen=1";

async function autocannon(url: string, headers: string[] = []): Promise<Cannon> {
  const args = ["-c", "50", "-d", String(SECONDS), "-j", ...headers.flatMap((header) => ["-H", header]), url];
  const { stdout } = await run("node_modules/.bin/autocannon", args, { maxBuffer: 64 << 20 });
  const result = JSON.parse(stdout);
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
  };
}

/**
 * Server time of one page at a time (one connection, loopback): the request's time to last byte,
 * rendered for the request (a reader with a cookie), not served from the page cache.
 */
async function renderTimes(url: string, count: number): Promise<{ p50: number; p99: number; bytes: number }> {
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < count + 3; i++) {
    const started = performance.now();
    const body = await (await fetch(url, { headers: { cookie: READER_COOKIE } })).arrayBuffer();
    if (i >= 3) times.push(performance.now() - started); // the first few warm the caches
    bytes = body.byteLength;
  }
  return { p50: percentile(times, 50), p99: percentile(times, 99), bytes };
}

async function postStorm(pageUrl: string, tag: string) {
  const { stdout } = await run("node_modules/.bin/tsx", ["bench/post-client.ts", pageUrl, "50", String(POSTS), tag], {
    maxBuffer: 16 << 20,
  });
  return JSON.parse(stdout.trim().split("\n").at(-1)!) as {
    acknowledged: number;
    perSecond: number;
    p50: number;
    p99: number;
    statuses: Record<string, number>;
    failures: string[];
  };
}

/** The same number of comments written straight through Prisma by 50 concurrent loops: the database's ceiling. */
async function bareInserts(db: Db, slug: string): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: 50 }, async () => {
      while (next < POSTS) {
        const n = next++;
        const id = `bare-${slug}-${n}-${Math.random().toString(36).slice(2)}`;
        await db.comment.create({
          data: {
            id,
            articleSlug: slug,
            rootId: id,
            authorName: "Bare",
            body: `bare insert ${n}`,
            status: "published",
          },
        });
      }
    }),
  );
  return POSTS / ((performance.now() - started) / 1000);
}

async function postingFigures(label: string, url: string, target: number) {
  const server = await startServer(PORT, loadEnv(url), "data/bench-server.log");
  const db = openDb(url);
  try {
    const storm = await postStorm(`${server.url}/articles/field-note-06`, `bench-${label}`);
    const bare = await bareInserts(db, "field-note-07");
    say(
      `| ${label} | ${storm.perSecond.toFixed(0)} comments/s (${storm.acknowledged}/${POSTS} acknowledged) | ${ms(storm.p50)} | ${ms(storm.p99)} | ${bare.toFixed(0)} inserts/s | ${(storm.perSecond / bare).toFixed(2)} | ≥ ${target}/s, p99 < 150 ms: ${storm.perSecond >= target && storm.p99 < 150 ? "met" : "missed"} |`,
    );
    if (storm.failures.length) say(`|  | failures: ${storm.failures.join("; ")} | | | | | |`);
  } finally {
    server.stop();
    await db.$disconnect();
  }
}

async function main() {
  const started = new Date();
  ensureBuild();
  const sqliteUrl = freshSqlite("bench");
  const db = openDb(sqliteUrl);
  await seedComments(db, ARTICLE, 200);
  for (const [slug, count] of GROWTH) await seedComments(db, slug, count);
  await db.$disconnect();

  say(`# Benchmarks`);
  say();
  say(
    `Measured ${started.toISOString().slice(0, 16).replace("T", " ")} UTC on this machine (${(await import("node:os")).cpus().length} cores, shared), Node ${process.version}, by \`npm run bench\` (BENCH_SECONDS=${SECONDS}, BENCH_POSTS=${POSTS}).`,
  );
  say(
    `Server: \`next build\`, then server.ts (\`npm start\`) on 127.0.0.1, SQLite unless said; load from separate processes.`,
  );
  say();

  // Reading: the article page against a bare node:http server with the same bytes.
  let server: RunningServer | undefined = await startServer(PORT, loadEnv(sqliteUrl), "data/bench-server.log");
  const pageUrl = `${server.url}/articles/${ARTICLE}`;
  const html = Buffer.from(await (await fetch(pageUrl)).arrayBuffer());
  fs.writeFileSync("data/bench-article.html", html);
  const ceiling = spawn(
    "node_modules/.bin/tsx",
    ["bench/static-server.ts", "data/bench-article.html", String(PORT + 1)],
    { stdio: ["ignore", "pipe", "inherit"], detached: true },
  );
  await new Promise((resolve) => ceiling.stdout!.once("data", resolve));
  try {
    await renderTimes(pageUrl, 20); // warm-up
    const base = await autocannon(`http://127.0.0.1:${PORT + 1}/`);
    const page = await autocannon(pageUrl);
    const rendered = await autocannon(pageUrl, [`cookie: ${READER_COOKIE}`]);
    say(`## Article page (/articles/${ARTICLE}, 200 comments), 50 connections, ${SECONDS} s each`);
    say();
    say(`| server | requests/s | p50 | p99 | errors / non-2xx |`);
    say(`| --- | --- | --- | --- | --- |`);
    say(
      `| node:http, same ${kb(html.length)} from memory | ${base.rps.toFixed(0)} | ${ms(base.p50)} | ${ms(base.p99)} | ${base.errors} / ${base.non2xx} |`,
    );
    say(
      `| Marginalia, readers without cookies (page cache) | ${page.rps.toFixed(0)} | ${ms(page.p50)} | ${ms(page.p99)} | ${page.errors} / ${page.non2xx} |`,
    );
    say(
      `| Marginalia, readers with cookies (rendered per request) | ${rendered.rps.toFixed(0)} | ${ms(rendered.p50)} | ${ms(rendered.p99)} | ${rendered.errors} / ${rendered.non2xx} |`,
    );
    say();
    say(
      `Ratio to the ceiling (readers without cookies, who are most readers of a busy link): **${(page.rps / base.rps).toFixed(3)}** (target ≥ 0.5: ${page.rps / base.rps >= 0.5 ? "met" : "missed"}); p99 ${ms(page.p99)} (target < 50 ms: ${page.p99 < 50 ? "met" : "missed"}).`,
    );
    say();
  } finally {
    process.kill(-ceiling.pid!, "SIGTERM");
  }

  // A long thread, and growth: the first page of threads whatever the thread's size.
  say(
    `## Rendering by thread size (one request at a time, 30 requests each, first page of 50 threads, rendered per request)`,
  );
  say();
  say(`| comments on the article | comments shown | p50 | p99 | HTML |`);
  say(`| --- | --- | --- | --- | --- |`);
  for (const [slug, count] of [...GROWTH.slice(0, 1), [ARTICLE, 200] as [string, number], ...GROWTH.slice(1)]) {
    const times = await renderTimes(`${server.url}/articles/${slug}`, 30);
    say(
      `| ${count.toLocaleString("en")}${count === 5_000 ? " (long thread: target p50 < 80 ms)" : ""} | ${Math.min(count, 200)} | ${ms(times.p50)} | ${ms(times.p99)} | ${kb(times.bytes)} |`,
    );
  }
  say();
  server.stop();
  server = undefined;

  // Weight.
  const weight = articleJavaScript();
  say(`## Weight`);
  say();
  say(`| what | gzip |`);
  say(`| --- | --- |`);
  say(
    `| JavaScript of an article page (${weight.articleFiles.length} files: build-manifest rootMainFiles + the layout's and page's entryJSFiles) | ${kb(weight.articleGzip)} |`,
  );
  say(`| Next.js's minimal App Router page (rootMainFiles: runtime, React, router) | ${kb(weight.minimalGzip)} |`);
  say(
    `| difference (target ≤ 15 KB) | ${kb(weight.articleGzip - weight.minimalGzip)}: ${weight.articleGzip - weight.minimalGzip <= 15 * 1024 ? "met" : "missed"} |`,
  );
  const css = articleCss();
  say(
    `| CSS of an article page (${css.cssFiles.length} files, target < 20 KB) | ${kb(css.cssGzip)}: ${css.cssGzip < 20 * 1024 ? "met" : "missed"} |`,
  );
  say(
    `| HTML of /articles/${ARTICLE} with 200 comments (uncompressed / gzip) | ${kb(html.length)} / ${kb(fs.readFileSync("data/bench-article.html").length && (await import("node:zlib")).gzipSync(html).length)} |`,
  );
  say();

  // Posting, without JavaScript: the form's real POST, 50 clients, the rate limit raised.
  say(`## Posting a comment as the form does without JavaScript, 50 concurrent clients, ${POSTS} comments`);
  say();
  say(`| database | comments/s | p50 | p99 | bare insert loop (Prisma, 50 concurrent) | ratio | target |`);
  say(`| --- | --- | --- | --- | --- | --- | --- |`);
  await postingFigures("SQLite", freshSqlite("bench-post"), 400);
  const pgReason = await postgresUnavailable(POSTGRES_SERVER_URL);
  if (pgReason) say(`| PostgreSQL | skipped: ${pgReason} | | | | | |`);
  else {
    const pg = await freshPostgres();
    try {
      await postingFigures("PostgreSQL", pg.url, 300);
    } finally {
      await pg.drop();
    }
  }
  say();
  say(
    `Tokens: each post carries a form token minted by the load generator as lib/comments/spam.ts mints them (HMAC with the server's COOKIE_SECRET), so no page is fetched between posts; each answer is the redirect to the new comment that a browser without JavaScript follows (POST-redirect-GET). Each run starts after 100 warm-up posts (a cold server takes seconds over its first few).`,
  );
  // The scale-out figures (`--scale`) are measured apart: kept as the last run left them.
  const previous = fs.existsSync("bench/results.md") ? fs.readFileSync("bench/results.md", "utf8") : "";
  const start = previous.indexOf(SCALE_HEADING);
  const end = start < 0 ? -1 : previous.indexOf("\n## ", start + SCALE_HEADING.length);
  const kept = start < 0 ? "" : previous.slice(start, end < 0 ? undefined : end);
  const results = `${lines.join("\n")}\n`;
  await writeResults(kept ? withSection(results, kept) : results);
  console.log("\nwritten to bench/results.md");
}

// `npm run bench -- --scale`: one instance and two behind nginx (bench/scale.ts) instead.
if (process.argv.includes("--scale")) await scaleBench();
else await main();
