// `npm run bench -- --scale` (or `npm run bench:scale`; bench/run.ts calls scaleBench): throughput of one instance and of two
// behind nginx (docs/deploy.md's set-up), on one PostgreSQL database, for the article page and for
// posting. Each load generator runs in a process of its own (autocannon; bench/post-client.ts).
// The figures go to bench/results.md under their own heading, which `npm run bench` keeps.
// The two set-ups take turns, BENCH_ROUNDS times (default 2, one first then two, then the other way
// round), and each figure is the median of its rounds: the machine's other work weighs on both.
// BENCH_SECONDS (default 10), BENCH_POSTS (default 2000), BENCH_PORT (default 3460: the instances,
// nginx on +2), SKIP_BUILD=1 reuses the last build. Needs nginx and the tests' PostgreSQL.
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import { promisify } from "node:util";
import {
  ensureBuild,
  freshPostgres,
  loadEnv,
  openDb,
  POSTGRES_SERVER_URL,
  postgresUnavailable,
  seedComments,
} from "../tests/support/app";
import { startCluster, type Cluster } from "../tests/support/cluster";
import { commenterCookie, posts } from "./load";

const run = promisify(execFile);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const POSTS = Number(process.env.BENCH_POSTS ?? 2000);
const PORT = Number(process.env.BENCH_PORT ?? 3460);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const ARTICLE = "monolith-vs-microservices";
const POSTED = "field-note-06";
export const SCALE_HEADING = "## Scaling out: one instance and two behind nginx, on PostgreSQL";

type Figures = {
  page: number;
  pageP99: number;
  rendered: number;
  renderedP99: number;
  posts: number;
  postsP99: number;
  /** Answers that were not 2xx, or none within autocannon's 10 s, over both page runs. */
  failed: number;
  /** Comments acknowledged of BENCH_POSTS (a post unanswered for 60 s is not). */
  acknowledged: number;
};

async function autocannon(url: string, headers: string[] = []) {
  const args = ["-c", "50", "-d", String(SECONDS), "-j", ...headers.flatMap((header) => ["-H", header]), url];
  const { stdout } = await run("node_modules/.bin/autocannon", args, { maxBuffer: 64 << 20 });
  const result = JSON.parse(stdout);
  return {
    rps: result.requests.average as number,
    p99: result.latency.p99 as number,
    failed: (result.non2xx as number) + (result.errors as number),
  };
}

/** The form's posts through nginx (no server CPU: the instances are several). */
async function posting(pageUrl: string, tag: string) {
  const figures = await posts(null, "form", pageUrl, { clients: 50, total: POSTS, tag });
  return { acknowledged: figures.requests - figures.wrong - figures.errors, perSecond: figures.rps, p99: figures.p99 };
}

async function measure(cluster: Cluster, label: string, cookie: string): Promise<Figures> {
  const page = `${cluster.nginx.url}/articles/${ARTICLE}`;
  const cached = await autocannon(page);
  const rendered = await autocannon(page, [`cookie: ${cookie}`]);
  const posted = await posting(`${cluster.nginx.url}/articles/${POSTED}`, `bench-scale-${label}-${Date.now()}`);
  return {
    page: cached.rps,
    pageP99: cached.p99,
    rendered: rendered.rps,
    renderedP99: rendered.p99,
    posts: posted.perSecond,
    postsP99: posted.p99,
    failed: cached.failed + rendered.failed,
    acknowledged: posted.acknowledged,
  };
}

/** Writes bench/results.md formatted as `npm run lint` wants it (aligned tables). */
export async function writeResults(text: string): Promise<void> {
  const prettier = await import("prettier");
  const options = (await prettier.resolveConfig("bench/results.md")) ?? {};
  fs.writeFileSync("bench/results.md", await prettier.format(text, { ...options, filepath: "bench/results.md" }));
}

/** bench/results.md with this section in place of the last run's (or added at the end). */
export function withSection(results: string, section: string): string {
  const start = results.indexOf(SCALE_HEADING);
  if (start < 0) return `${results.trimEnd()}\n\n${section.trimEnd()}\n`;
  const next = results.indexOf("\n## ", start + SCALE_HEADING.length);
  return `${results.slice(0, start)}${section.trimEnd()}\n${next < 0 ? "" : results.slice(next)}`;
}

export async function scaleBench(): Promise<void> {
  const reason = await postgresUnavailable(POSTGRES_SERVER_URL);
  if (reason) throw new Error(`the scale benchmark needs the tests' PostgreSQL: ${reason}`);
  ensureBuild();
  const database = await freshPostgres();
  let cluster: Cluster | undefined;
  try {
    const db = openDb(database.url);
    await seedComments(db, ARTICLE, 200);
    const cookie = await commenterCookie(db, ARTICLE, 200);
    await db.$disconnect();
    // The posting load stands for many readers behind a proxy of its own (a CDN): each client's
    // X-Forwarded-For is believed, two hops in, so that each has an address and a rate-limit
    // key of its own, as in the single instance's rows (one address for all would make every post
    // read the others' hits under a limit raised for the run).
    cluster = await startCluster(PORT, loadEnv(database.url), "data/bench-scale", { trustProxy: "2" });
    const [a, b] = cluster.instances;
    // Warm: both instances have rendered the pages, taken comments and compiled their code paths;
    // "one" leaves the second idle (nginx balances the first alone).
    await autocannon(`${cluster.nginx.url}/articles/${ARTICLE}`, [`cookie: ${cookie}`]);
    await autocannon(`${cluster.nginx.url}/articles/${ARTICLE}`);
    const runs: Record<"one" | "two", Figures[]> = { one: [], two: [] };
    for (let round = 0; round < ROUNDS; round++) {
      for (const setup of round % 2 === 0 ? (["one", "two"] as const) : (["two", "one"] as const)) {
        await cluster.nginx.balance(setup === "one" ? [a.port] : [a.port, b.port]);
        runs[setup].push(await measure(cluster, `${setup}-${round}`, cookie));
      }
    }
    const median = (figures: Figures[]) =>
      Object.fromEntries(
        (Object.keys(figures[0]) as (keyof Figures)[]).map((key) => {
          const sorted = figures.map((f) => f[key]).sort((x, y) => x - y);
          const middle = Math.floor(sorted.length / 2);
          return [key, sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2];
        }),
      ) as Figures;
    const one = median(runs.one);
    const two = median(runs.two);

    const row = (what: string, x: number, y: number, px: number, py: number, unit: string) =>
      `| ${what} | ${x.toFixed(0)} ${unit} (p99 ${px.toFixed(0)} ms) | ${y.toFixed(0)} ${unit} (p99 ${py.toFixed(0)} ms) | ×${(y / x).toFixed(2)} |`;
    const section = [
      SCALE_HEADING,
      "",
      `Measured ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC by \`npm run bench -- --scale\` on this machine (${os.cpus().length} cores, shared by the instances, nginx, PostgreSQL and the load generators), Node ${process.version}: server.ts instances on one build, Debian's nginx in front (round-robin, keep-alive), PostgreSQL; 50 connections, ${SECONDS} s per page figure, ${POSTS} comments per posting figure, medians of ${ROUNDS} rounds taken in turns. For "one", nginx balances a single instance.`,
      "",
      "| through nginx | one instance | two instances | two / one |",
      "| --- | --- | --- | --- |",
      row(
        `article page, readers without cookies (page cache), ${ARTICLE} with 200 comments`,
        one.page,
        two.page,
        one.pageP99,
        two.pageP99,
        "req/s",
      ),
      row(
        "article page, a commenter (their own comments' controls filled in per request)",
        one.rendered,
        two.rendered,
        one.renderedP99,
        two.renderedP99,
        "req/s",
      ),
      row(
        "posting a comment (the form without JavaScript, POST-redirect-GET)",
        one.posts,
        two.posts,
        one.postsP99,
        two.postsP99,
        "comments/s",
      ),
      "",
      `Page answers not 2xx or not within 10 s: one ${runs.one.map((f) => f.failed).join("/")}, two ${runs.two.map((f) => f.failed).join("/")}; comments acknowledged of ${POSTS}: one ${runs.one.map((f) => f.acknowledged).join("/")}, two ${runs.two.map((f) => f.acknowledged).join("/")}. Each round (one | two): ${(
        ["page", "rendered", "posts"] as const
      )
        .map(
          (key) =>
            `${key} ${runs.one.map((f) => f[key].toFixed(0)).join("/")} | ${runs.two.map((f) => f[key].toFixed(0)).join("/")}`,
        )
        .join("; ")}.`,
      "",
      `The instances, nginx (one worker), PostgreSQL and the load generators compete for these ${os.cpus().length} cores, with whatever else the machine runs: the last column is what a second instance adds here, not what it adds with a core of its own.`,
      "",
    ].join("\n");
    console.log(`\n${section}`);
    await writeResults(withSection(fs.readFileSync("bench/results.md", "utf8"), section));
    console.log("written to bench/results.md");
  } finally {
    await cluster?.stop();
    await database.drop();
  }
}
