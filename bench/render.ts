// The full render, which the page cache cannot spare (every new comment, a cold or long-tail
// article, the signed-in author), and the server's memory around it, on its own:
//   npx tsx bench/render.ts [--postgres] [--rounds 3] [--requests 60] [--seconds 8] [--prof] [--heap]
//     [--load] [--node-flags="--max-old-space-size=1024"] [--env MARGINALIA_JEMALLOC=off] [--memory 1G]
// Starts server.ts on a fresh database seeded as `npm run bench` seeds it, then measures, with the
// server's CPU time per request read from /proc (bench/cpu.ts; wall times move with the machine's
// other work, CPU time much less):
// - the first render of the 10,000-comment article once the server has answered another article
//   (its comments' markdown not rendered yet), and of the 200-comment article again;
// - renders one request at a time of the article without comments and with 200, 5,000 and 10,000
//   comments, each answered by Next.js (a query string: the page cache serves none);
// - the 200-comment article so rendered under load (autocannon, 10 connections);
// - the server's resident memory once it answers, after its first article and at the end.
// --prof writes a CPU profile of the server (`node --cpu-prof`, into data/prof/; read it with
// bench/cpu-profile.ts); --heap writes a heap snapshot at the end (bench/heap-snapshot.ts reads it);
// --load then runs the rest of `npm run bench`'s mix, shortened (cached pages, a commenter's page,
// --posts comments posted as the form and through the API; BENCH_WARMUP_POSTS before each), before
// the last memory reading. --memory runs the server as on a machine with that much memory (a
// memory cgroup: tests/support/memory-limit.ts; root only).
// BENCH_PORT (default 3410) sets the port. Prints one JSON object, and a summary.
import fs from "node:fs";
import { parseArgs } from "node:util";
import {
  freshPostgres,
  freshSqlite,
  loadEnv,
  openDb,
  POSTGRES_SERVER_URL,
  seedComments,
  startServer,
} from "../tests/support/app";
import { SERVER_TS } from "../tests/e2e/support/servers";
import { percentile } from "../tests/support/poster";
import { articlePath } from "../lib/routes";
import { groupCpuMs } from "./cpu";
import { cannon, commenterCookie, posts } from "./load";
import { inMemoryLimit } from "../tests/support/memory-limit";
import { rssMb } from "./memory";

const { values } = parseArgs({
  options: {
    postgres: { type: "boolean", default: false },
    rounds: { type: "string", default: "3" },
    requests: { type: "string", default: "60" },
    seconds: { type: "string", default: "8" },
    prof: { type: "boolean", default: false },
    heap: { type: "boolean", default: false },
    load: { type: "boolean", default: false },
    posts: { type: "string", default: "300" },
    /** More flags for the server's node (e.g. "--optimize-for-size"), and NAME=value settings for its environment. */
    "node-flags": { type: "string", default: "" },
    env: { type: "string", multiple: true, default: [] },
    memory: { type: "string" },
  },
});
const ROUNDS = Number(values.rounds);
const REQUESTS = Number(values.requests);
const SECONDS = Number(values.seconds);
const PORT = Number(process.env.BENCH_PORT ?? 3410);

const ARTICLE = "monolith-vs-microservices";
const EMPTY = "field-note-08";
const FIVE_THOUSAND = "field-note-04";
const LONG = "field-note-05";
const SIZES: [string, number][] = [
  [EMPTY, 0],
  [ARTICLE, 200],
  [FIVE_THOUSAND, 5_000],
  [LONG, 10_000],
];

/** Group RSS (MB) too: the node process and whatever it started (tsx's esbuild, a child). */
function groupRssMb(pgid: number): number {
  let kb = 0;
  for (const pid of fs.readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
      if (Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]) !== pgid) continue;
      kb += Number(/VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
    } catch {
      // gone meanwhile
    }
  }
  return kb / 1024;
}

/** The process's resident memory by mapping (MB): malloc's main heap, the node binary, native addons, other files, anonymous. */
function memoryMap(pid: number): Record<string, number> {
  const sums: Record<string, number> = {};
  let name = "";
  for (const line of fs.readFileSync(`/proc/${pid}/smaps`, "utf8").split("\n")) {
    const mapping = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (mapping) {
      const file = mapping[1];
      name = !file
        ? "anonymous (V8's heap, threads' malloc arenas, WebAssembly)"
        : file === "[heap]"
          ? "[heap] (malloc's main heap)"
          : file.startsWith("[")
            ? file
            : file.endsWith("/node")
              ? "the node binary"
              : file.endsWith(".node")
                ? file.slice(file.lastIndexOf("/") + 1)
                : "other files (libraries, fonts)";
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss) sums[name] = (sums[name] ?? 0) + Number(rss[1]) / 1024;
  }
  return Object.fromEntries(
    Object.entries(sums)
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => [k, Math.round(v)]),
  );
}

/** Waits for the heap snapshot the server writes in its folder (SIGUSR2) to be complete; its name. */
async function heapSnapshot(pid: number): Promise<string> {
  const before = new Set(fs.readdirSync("."));
  process.kill(pid, "SIGUSR2");
  let last = -1;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const file = fs.readdirSync(".").find((name) => name.endsWith(".heapsnapshot") && !before.has(name));
    if (!file) continue;
    const size = fs.statSync(file).size;
    if (size === last && size > 0) return file;
    last = size;
  }
}

let bust = 0;
/** One request answered by Next.js (a query string the page cache never serves): wall ms and server CPU ms. */
async function renderOnce(pid: number, base: string, slug: string): Promise<{ ms: number; cpu: number }> {
  const cpuBefore = groupCpuMs(pid)!;
  const started = performance.now();
  const response = await fetch(`${base}${articlePath(slug)}?render=${bust++}`);
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`${slug}: ${response.status}`);
  return { ms: performance.now() - started, cpu: groupCpuMs(pid)! - cpuBefore };
}

/** `count` renders of `slug` one at a time: CPU ms per request over all of them, and wall p50 / p99. */
async function renders(pid: number, base: string, slug: string, count: number) {
  for (let i = 0; i < 5; i++) await renderOnce(pid, base, slug);
  const cpuBefore = groupCpuMs(pid)!;
  const times: number[] = [];
  for (let i = 0; i < count; i++) times.push((await renderOnce(pid, base, slug)).ms);
  return { cpuMs: (groupCpuMs(pid)! - cpuBefore) / count, p50: percentile(times, 50), p99: percentile(times, 99) };
}

async function main() {
  const label = values.postgres ? "PostgreSQL" : "SQLite";
  const postgres = values.postgres ? await freshPostgres() : null;
  const url = postgres?.url ?? freshSqlite(`render-bench-${PORT}`);
  if (postgres) console.error(`PostgreSQL at ${POSTGRES_SERVER_URL}`);
  const db = openDb(url);
  for (const [slug, count] of SIZES) if (count) await seedComments(db, slug, count);
  const cookie = await commenterCookie(db, ARTICLE, 200);
  await db.$disconnect();

  const profDir = "data/prof";
  if (values.prof) fs.mkdirSync(profDir, { recursive: true });
  // The server's own node flags (scripts/serve.sh reads NODE_FLAGS), not its children's.
  const nodeFlags = [
    ...(values.prof ? ["--cpu-prof", `--cpu-prof-dir=${profDir}`] : []),
    ...(values.heap ? ["--heapsnapshot-signal=SIGUSR2"] : []),
    values["node-flags"],
  ].join(" ");
  const extra = Object.fromEntries(values.env.map((pair) => pair.split(/=(.*)/s).slice(0, 2)));
  const server = await startServer(
    PORT,
    loadEnv(url, { NODE_FLAGS: nodeFlags, ...extra }),
    `data/render-bench-${PORT}.log`,
    values.memory ? inMemoryLimit(values.memory, SERVER_TS) : SERVER_TS,
  );
  const base = server.url;
  const figures: Record<string, unknown> = { database: label };
  try {
    figures.rssStart = rssMb(server.pid);
    figures.groupRssStart = groupRssMb(server.pid);
    // The server's first article (the route's code loads now), then the 10,000-comment article's
    // first render: its page of threads has comments whose markdown was never rendered.
    figures.firstArticle = await renderOnce(server.pid, base, ARTICLE);
    figures.rssAfterArticle = rssMb(server.pid);
    figures.firstLong = await renderOnce(server.pid, base, LONG);
    figures.secondLong = await renderOnce(server.pid, base, LONG);

    const rounds: Record<string, { cpuMs: number; p50: number; p99: number }>[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const figuresOfRound: Record<string, { cpuMs: number; p50: number; p99: number }> = {};
      const rss: Record<string, number | null> = {};
      for (const [slug, count] of SIZES) {
        figuresOfRound[count] = await renders(server.pid, base, slug, REQUESTS);
        rss[count] = rssMb(server.pid);
      }
      const loaded = await cannon(server.pid, `${base}${articlePath(ARTICLE)}?render=load`, {
        connections: 10,
        seconds: SECONDS,
      });
      figuresOfRound.load10 = { cpuMs: loaded.cpuMs ?? NaN, p50: loaded.p50, p99: loaded.p99 };
      rss.load10 = rssMb(server.pid);
      rounds.push(figuresOfRound);
      // Where the resident memory grows: after each article's renders and after the load.
      console.error(
        `round ${round + 1}: ${JSON.stringify(figuresOfRound)}\nRSS (MB) after each: ${JSON.stringify(rss)}`,
      );
    }
    figures.rounds = rounds;
    figures.rssAfterRenders = rssMb(server.pid);
    if (values.load) {
      // The rest of `npm run bench`'s mix, shortened: cached pages, a commenter's, posts (form, API).
      const at = `${base}${articlePath(ARTICLE)}`;
      await cannon(server.pid, at, { connections: 50, seconds: SECONDS });
      await cannon(server.pid, at, { connections: 10, seconds: SECONDS, headers: [`cookie: ${cookie}`] });
      await cannon(server.pid, at, { connections: 50, seconds: SECONDS, headers: [`cookie: ${cookie}`] });
      const total = Number(values.posts);
      const posting = `${base}${articlePath("field-note-06")}`;
      figures.form10 = await posts(server.pid, "form", posting, { clients: 10, total, tag: "render-form-10" });
      figures.form50 = await posts(server.pid, "form", posting, { clients: 50, total, tag: "render-form-50" });
      figures.api10 = await posts(server.pid, "api", posting, { clients: 10, total, tag: "render-api-10" });
    }
    figures.rssEnd = rssMb(server.pid);
    figures.groupRssEnd = groupRssMb(server.pid);
    figures.memoryMap = memoryMap(server.pid);
    // A server left alone a while: V8's memory reducer gives back what the load left.
    await new Promise((resolve) => setTimeout(resolve, 30_000));
    figures.rssIdle = rssMb(server.pid);
    // The node process of the group (scripts/serve.sh execs node): its snapshot lands in its cwd.
    if (values.heap) figures.heapSnapshot = await heapSnapshot(server.pid);
  } finally {
    server.stop();
    await server.exited().catch(() => {});
    await postgres?.drop();
  }
  const range = (key: string, field: "cpuMs" | "p50") => {
    const all = (figures.rounds as Record<string, Record<string, number>>[]).map((r) => r[key][field]);
    return `${Math.min(...all).toFixed(1)}–${Math.max(...all).toFixed(1)}`;
  };
  console.log(JSON.stringify(figures));
  console.error(
    `\n${label}: CPU ms per render (range of ${ROUNDS} rounds): ` +
      SIZES.map(([, count]) => `${count} comments ${range(String(count), "cpuMs")}`).join(", ") +
      `; 200 under load (10 conn.) ${range("load10", "cpuMs")}` +
      `\nfirst render of the 10,000-comment article ${JSON.stringify(figures.firstLong)}; RSS start ${figures.rssStart} MB, end ${figures.rssEnd} MB (group ${figures.groupRssEnd} MB), 30 s later ${figures.rssIdle} MB\n${JSON.stringify(figures.memoryMap, null, 1)}`,
  );
}

await main();
