// `npm run bench`: every figure of bench/results.md in one run, on SQLite and on PostgreSQL, against
// `next build` and server.ts (what `npm start` runs) on loopback. Every load generator runs in a
// process of its own (autocannon; bench/post-client.ts), and every figure comes with the server's
// CPU time per request (bench/cpu.ts), which holds better than requests/s on a shared machine.
// BENCH_SECONDS (default 10) sets each autocannon run; BENCH_POSTS (default 2000) the comments per
// posting run, after BENCH_WARMUP_POSTS (default 1000); BENCH_PORT (default 3410) the server's port (the node:http ceiling takes the next
// one); SKIP_BUILD=1 reuses the last build.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import zlib from "node:zlib";
import { randomUUID } from "node:crypto";
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
} from "../tests/support/app";
import { percentile } from "../tests/support/poster";
import { articlePath } from "../lib/routes";
import { cannon, commenterCookie, posts, type Figures } from "./load";
import { articleCss, articleJavaScript } from "./weight";
import { coldStart, rssMb } from "./memory";
import { scaleBench, SCALE_HEADING, withSection, writeResults } from "./scale";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const POSTS = Number(process.env.BENCH_POSTS ?? 2000);
const PORT = Number(process.env.BENCH_PORT ?? 3410);
/** The article with 200 comments, two of them the bench reader's own (with Edit and Delete). */
const ARTICLE = "monolith-vs-microservices";
const COMMENTS = 200;
/** An article nobody commented on: the cached page against node:http. */
const EMPTY = "field-note-08";
/** Where the posting runs post, and an article with 10,000 comments to post to as well. */
const POSTING = "field-note-06";
const LONG = "field-note-05";
const LONG_COMMENTS = 10_000;
const GROWTH: Array<[string, number]> = [
  ["field-note-01", 10],
  ["field-note-03", 1_000],
  ["field-note-04", 5_000],
];

const lines: string[] = [];
const say = (line = "") => {
  console.log(line);
  lines.push(line);
};
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const ms = (value: number) => `${value.toFixed(value < 10 ? 1 : 0)} ms`;
const cpu = (value: number | null) => (value === null ? "n/a" : `${value.toFixed(2)} ms`);
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(", ");

// ---- What one database's server measured ----

type HtmlFigures = { bytes: number; gzip: number; twice: number; most: number };

type DatabaseFigures = {
  ceiling: Figures;
  cached: Figures;
  cookies10: Figures;
  cookies50: Figures;
  cookieHtml: HtmlFigures;
  cachedHtml: HtmlFigures;
  emptyCeiling: Figures;
  emptyCached: Figures;
  emptyBytes: number;
  form10: Figures;
  form50: Figures;
  formLong: Figures;
  action10: Figures;
  api10: Figures;
  api50: Figures;
  bare: Figures;
  renders?: { count: number; p50: number; p99: number; bytes: number }[];
  /** The server's resident memory (MB): once it answers, after its first article, after every load above. */
  memory: { start: number | null; article: number | null; loaded: number | null };
};

/** Bytes, gzip, and how many of the article's comments have their text more than once in the HTML. */
function htmlFigures(html: string): HtmlFigures {
  let twice = 0;
  let most = 0;
  for (let i = 0; i < COMMENTS; i++) {
    // Each seeded comment starts "Comment <i> on …" (tests/support/app.ts), unique per comment.
    const count = html.split(`Comment ${i} on `).length - 1;
    if (count > 1) twice++;
    most = Math.max(most, count);
  }
  const bytes = Buffer.byteLength(html);
  return { bytes, gzip: zlib.gzipSync(html).length, twice, most };
}

/** A bare node:http server sending `html` from memory, in a process (group) of its own. */
async function ceilingServer(html: string, port: number) {
  const file = `data/bench-ceiling-${port}.html`;
  fs.writeFileSync(file, html);
  const child = spawn("node_modules/.bin/tsx", ["bench/static-server.ts", file, String(port)], {
    stdio: ["ignore", "pipe", "inherit"],
    detached: true,
  });
  await new Promise((resolve) => child.stdout!.once("data", resolve));
  return {
    url: `http://127.0.0.1:${port}/`,
    pid: child.pid!,
    stop: () => {
      try {
        process.kill(-child.pid!, "SIGTERM");
      } catch {
        // gone already
      }
    },
  };
}

/** Server time of one page at a time (one connection): rendered for the request, with a cookie. */
async function renderTimes(url: string, cookie: string, count: number) {
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < count + 3; i++) {
    const started = performance.now();
    const body = await (await fetch(url, { headers: { cookie } })).arrayBuffer();
    if (i >= 3) times.push(performance.now() - started); // the first few warm the caches
    bytes = body.byteLength;
  }
  return { p50: percentile(times, 50), p99: percentile(times, 99), bytes };
}

/** `POSTS` comments written straight through Prisma by 50 concurrent loops: the database's own ceiling. */
async function bareInserts(db: Db, slug: string): Promise<Figures> {
  let next = 0;
  const latencies: number[] = [];
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: 50 }, async () => {
      while (next < POSTS) {
        const n = next++;
        const id = `bare-${slug}-${n}-${randomUUID()}`;
        const begun = performance.now();
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
        latencies.push(performance.now() - begun);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpuBefore);
  return {
    rps: POSTS / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    cpuMs: (used.user + used.system) / 1000 / POSTS,
    errors: 0,
    wrong: 0,
    requests: POSTS,
  };
}

async function measure(label: string, url: string): Promise<DatabaseFigures> {
  console.log(`\n${label}: seeding`);
  const db = openDb(url);
  await seedComments(db, ARTICLE, COMMENTS);
  const cookie = await commenterCookie(db, ARTICLE, COMMENTS);
  await seedComments(db, LONG, LONG_COMMENTS);
  if (label === "SQLite") for (const [slug, count] of GROWTH) await seedComments(db, slug, count);

  const server = await startServer(PORT, loadEnv(url), "data/bench-server.log");
  const at = (slug: string) => `${server.url}${articlePath(slug)}`;
  const memoryAtStart = rssMb(server.pid);
  try {
    await (await fetch(at(ARTICLE))).arrayBuffer();
    const memoryAfterArticle = rssMb(server.pid);
    // Warm the renderer, the page cache and the database client before anything is measured.
    for (let i = 0; i < 5; i++) {
      await (await fetch(at(ARTICLE), { headers: { cookie } })).arrayBuffer();
      await (await fetch(at(ARTICLE))).arrayBuffer();
      await (await fetch(at(EMPTY))).arrayBuffer();
    }
    const page = (connections: number, slug = ARTICLE, headers: string[] = []) =>
      cannon(server.pid, at(slug), { connections, seconds: SECONDS, headers });

    console.log(`${label}: reading`);
    const cachedHtml = await (await fetch(at(ARTICLE))).text();
    const cookieHtml = await (await fetch(at(ARTICLE), { headers: { cookie } })).text();
    const ceilingAt = await ceilingServer(cachedHtml, PORT + 1);
    let ceiling: Figures;
    try {
      ceiling = await cannon(ceilingAt.pid, ceilingAt.url, { connections: 50, seconds: SECONDS });
    } finally {
      ceilingAt.stop();
    }
    const cached = await page(50);
    const cookies10 = await page(10, ARTICLE, [`cookie: ${cookie}`]);
    const cookies50 = await page(50, ARTICLE, [`cookie: ${cookie}`]);

    const emptyHtml = await (await fetch(at(EMPTY))).text();
    const emptyAt = await ceilingServer(emptyHtml, PORT + 1);
    let emptyCeiling: Figures;
    try {
      emptyCeiling = await cannon(emptyAt.pid, emptyAt.url, { connections: 50, seconds: SECONDS });
    } finally {
      emptyAt.stop();
    }
    const emptyCached = await page(50, EMPTY);

    let renders: DatabaseFigures["renders"];
    if (label === "SQLite") {
      renders = [];
      for (const [slug, count] of [
        GROWTH[0],
        [ARTICLE, COMMENTS] as [string, number],
        ...GROWTH.slice(1),
        [LONG, LONG_COMMENTS] as [string, number],
      ]) {
        renders.push({ count, ...(await renderTimes(at(slug), cookie, 30)) });
      }
    }

    console.log(`${label}: posting`);
    const post = (mode: "form" | "action" | "api", clients: number, slug = POSTING) =>
      posts(server.pid, mode, at(slug), { clients, total: POSTS, tag: `bench-${label}-${mode}-${clients}-${slug}` });
    const form10 = await post("form", 10);
    const form50 = await post("form", 50);
    const formLong = await post("form", 10, LONG);
    const action10 = await post("action", 10);
    const api10 = await post("api", 10);
    const api50 = await post("api", 50);
    const memory = { start: memoryAtStart, article: memoryAfterArticle, loaded: rssMb(server.pid) };
    const bare = await bareInserts(db, "field-note-07");
    return {
      memory,
      ceiling,
      cached,
      cookies10,
      cookies50,
      cookieHtml: htmlFigures(cookieHtml),
      cachedHtml: htmlFigures(cachedHtml),
      emptyCeiling,
      emptyCached,
      emptyBytes: Buffer.byteLength(emptyHtml),
      form10,
      form50,
      formLong,
      action10,
      api10,
      api50,
      bare,
      renders,
    };
  } finally {
    server.stop();
    await db.$disconnect();
  }
}

// ---- The report ----

const figure = (f: Figures, unit = "req/s") =>
  `${f.rps.toFixed(0)} ${unit}, p50 ${ms(f.p50)}, p99 ${ms(f.p99)}, ${cpu(f.cpuMs)} CPU${f.errors || f.wrong ? `, ${f.errors} errors / ${f.wrong} wrong answers` : ""}`;
const verdict = (ok: boolean) => (ok ? "**met**" : "missed");

type Row = {
  what: string;
  cell: (d: DatabaseFigures) => string;
  target: string;
  met?: (d: DatabaseFigures) => boolean;
};

const mb = (value: number | null) => (value === null ? "n/a" : `${value.toFixed(0)} MB`);

const ROWS: Row[] = [
  {
    what: "server's resident memory (RSS): once it answers / after its first article / after every load of this table",
    cell: (d) => `${mb(d.memory.start)} / ${mb(d.memory.article)} / **${mb(d.memory.loaded)}**`,
    target: "≤ 200 MB after the load",
    met: (d) => (d.memory.loaded ?? Infinity) <= 200,
  },
  {
    what: "page for a reader with cookies (a commenter), 10 connections",
    cell: (d) => figure(d.cookies10),
    target: "≥ 150 req/s, ≤ 8 ms CPU",
    met: (d) => d.cookies10.rps >= 150 && (d.cookies10.cpuMs ?? Infinity) <= 8,
  },
  {
    what: "same, 50 connections",
    cell: (d) => figure(d.cookies50),
    target: "p99 < 1 s",
    met: (d) => d.cookies50.p99 < 1000,
  },
  {
    what: "HTML of that page (raw / gzip); comments whose text is sent twice",
    cell: (d) => `${kb(d.cookieHtml.bytes)} / ${kb(d.cookieHtml.gzip)}; ${d.cookieHtml.twice} of ${COMMENTS}`,
    target: "≤ 250 KB raw, none twice",
    met: (d) => d.cookieHtml.bytes <= 250 * 1024 && d.cookieHtml.twice === 0,
  },
  {
    what: "page for readers without cookies (page cache), 50 connections",
    cell: (d) => figure(d.cached),
    target: "",
  },
  {
    what: "HTML of the cached page (raw / gzip); comments whose text is sent twice",
    cell: (d) => `${kb(d.cachedHtml.bytes)} / ${kb(d.cachedHtml.gzip)}; ${d.cachedHtml.twice} of ${COMMENTS}`,
    target: "",
  },
  {
    what: "node:http sending the cached page's bytes from memory (the ceiling), 50 connections",
    cell: (d) => figure(d.ceiling),
    target: "",
  },
  {
    what: "comment posted without JavaScript, 10 connections",
    cell: (d) => figure(d.form10, "posts/s"),
    target: "≥ 300 posts/s, ≤ 4 ms CPU",
    met: (d) => d.form10.rps >= 300 && (d.form10.cpuMs ?? Infinity) <= 4,
  },
  {
    what: "same, 50 connections",
    cell: (d) => figure(d.form50, "posts/s"),
    target: "≥ 300 posts/s, p99 < 300 ms, ≤ 4 ms CPU",
    met: (d) => d.form50.rps >= 300 && d.form50.p99 < 300 && (d.form50.cpuMs ?? Infinity) <= 4,
  },
  {
    what: `same, 10 connections, to an article with ${LONG_COMMENTS.toLocaleString("en")} comments`,
    cell: (d) => figure(d.formLong, "posts/s"),
    target: "as fast as the above",
  },
  {
    what: "same, 10 connections, answered by the server action (as every post without JavaScript was before; now the author's)",
    cell: (d) => figure(d.action10, "posts/s"),
    target: "",
  },
  {
    what: "comment posted through the JSON API, 10 connections",
    cell: (d) => figure(d.api10, "posts/s"),
    target: "≥ 338 posts/s",
    met: (d) => d.api10.rps >= 338,
  },
  {
    what: "same, 50 connections",
    cell: (d) => figure(d.api50, "posts/s"),
    target: "≥ 276 posts/s",
    met: (d) => d.api50.rps >= 276,
  },
  {
    what: "bare insert loop (Prisma in the bench's process, 50 concurrent; CPU is the bench's)",
    cell: (d) => figure(d.bare, "inserts/s"),
    target: "",
  },
  {
    what: `cached page of an article without comments against node:http sending its bytes (ratio of requests/s)`,
    cell: (d) =>
      `**${(d.emptyCached.rps / d.emptyCeiling.rps).toFixed(2)}**: ${d.emptyCached.rps.toFixed(0)} vs ${d.emptyCeiling.rps.toFixed(0)} req/s, ${cpu(d.emptyCached.cpuMs)} vs ${cpu(d.emptyCeiling.cpuMs)} CPU (${kb(d.emptyBytes)})`,
    target: "≥ 0.3",
    met: (d) => d.emptyCached.rps / d.emptyCeiling.rps >= 0.3,
  },
];

async function main() {
  const started = new Date();
  const loadAtStart = load();
  ensureBuild();
  const cold = await coldStart(PORT, loadEnv(freshSqlite("bench-cold")), ARTICLE);
  const databases: Array<[string, DatabaseFigures | string]> = [];
  databases.push(["SQLite", await measure("SQLite", freshSqlite("bench"))]);
  const pgReason = await postgresUnavailable(POSTGRES_SERVER_URL);
  if (pgReason) databases.push(["PostgreSQL", `skipped: ${pgReason}`]);
  else {
    const pg = await freshPostgres();
    try {
      databases.push(["PostgreSQL", await measure("PostgreSQL", pg.url)]);
    } finally {
      await pg.drop();
    }
  }

  say(`# Benchmarks`);
  say();
  say(
    `Measured ${started.toISOString().slice(0, 16).replace("T", " ")} UTC by \`npm run bench\` (BENCH_SECONDS=${SECONDS}, BENCH_POSTS=${POSTS}) on this machine: ${os.cpus().length} cores shared with other work, load average ${loadAtStart} at the start and ${load()} at the end (1, 5, 15 minutes); Node ${process.version}.`,
  );
  say();
  say(
    `Each database gets a server of its own: \`next build\`, then server.ts (\`npm start\`) on 127.0.0.1, with ${COMMENTS} comments on ${articlePath(ARTICLE)}. The load comes from processes of their own: autocannon for pages, bench/post-client.ts for comments. **CPU** is the server's CPU time (user + system, every process of its group, from /proc) over the requests it answered in that run: the figure that holds on a busy machine, where requests/s and latencies move with whatever else runs.`,
  );
  say();
  const cell = (row: Row, entry: DatabaseFigures | string) => {
    if (typeof entry === "string") return entry;
    return `${row.cell(entry)}${row.met ? ` (${verdict(row.met(entry))})` : ""}`;
  };
  say(`| what (${COMMENTS} comments on the article) | ${databases.map(([name]) => name).join(" | ")} | target |`);
  say(`| --- | ${databases.map(() => "---").join(" | ")} | --- |`);
  for (const row of ROWS) {
    say(`| ${row.what} | ${databases.map(([, entry]) => cell(row, entry)).join(" | ")} | ${row.target} |`);
  }
  say();
  const notes = databases.flatMap(([name, entry]) =>
    typeof entry === "string"
      ? []
      : (["form10", "form50", "formLong", "action10", "api10", "api50"] as const).flatMap((key) =>
          entry[key].note ? [`- ${name}, ${key}: ${entry[key].note}`] : [],
        ),
  );
  if (notes.length) {
    say(`Posts not acknowledged:`);
    say();
    for (const note of notes) say(note);
    say();
  }

  const sqlite = databases[0][1];
  if (typeof sqlite !== "string" && sqlite.renders) {
    say(`## Rendering by thread size (SQLite, one request at a time, 30 requests, the reader with cookies)`);
    say();
    say(`| comments on the article | p50 | p99 | HTML |`);
    say(`| --- | --- | --- | --- |`);
    for (const r of sqlite.renders)
      say(`| ${r.count.toLocaleString("en")} | ${ms(r.p50)} | ${ms(r.p99)} | ${kb(r.bytes)} |`);
    say();
  }

  say(`## Cold start (SQLite, migrations applied, the median of 3)`);
  say();
  say(`| from \`npm start\` (its set-up step included) to | time | target |`);
  say(`| --- | --- | --- |`);
  say(`| the first article answered | ${ms(cold.article)} | ≤ 3 s: ${verdict(cold.article <= 3000)} |`);
  say(`| /readyz answering 200 | ${ms(cold.ready)} | ≤ 3 s: ${verdict(cold.ready <= 3000)} |`);
  say();

  const weight = articleJavaScript();
  const css = articleCss();
  say(`## Weight`);
  say();
  say(`| what | gzip |`);
  say(`| --- | --- |`);
  say(
    `| JavaScript of an article page (${weight.articleFiles.length} files: build-manifest rootMainFiles + the layout's and page's entryJSFiles) | ${kb(weight.articleGzip)} |`,
  );
  say(`| Next.js's minimal App Router page (rootMainFiles: runtime, React, router) | ${kb(weight.minimalGzip)} |`);
  say(
    `| difference (target ≤ 15 KB) | ${kb(weight.articleGzip - weight.minimalGzip)}: ${verdict(weight.articleGzip - weight.minimalGzip <= 15 * 1024)} |`,
  );
  say(
    `| CSS of an article page (${css.cssFiles.length} files, target < 20 KB) | ${kb(css.cssGzip)}: ${verdict(css.cssGzip < 20 * 1024)} |`,
  );
  say();
  say(
    `How the comments are posted: as the form does without JavaScript (its hidden fields and the text, multipart, to the article's address; answered with a 303 to the new comment) or as JSON to /api/articles/<slug>/comments (answered 201), each client from an address of its own with the rate limit raised, ${POSTS} comments per run after ${process.env.BENCH_WARMUP_POSTS ?? 1000} warm-up posts (V8 compiles the posting code for what it does meanwhile: the figures are for a server in its stride). Form tokens are minted by the load generator as lib/server/form-token.ts mints them, so no page is fetched between posts. The runs post to one article in turn (10, then 50 connections, then the API), so it holds thousands of comments by the last.`,
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
