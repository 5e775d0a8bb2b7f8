// The load runs of `npm run bench`, each from a process of its own, each with the server's CPU time
// per request (bench/cpu.ts) measured around it.
import { execFile, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { promisify } from "node:util";
import { sign } from "../lib/server/signing";
import type { Db } from "../tests/support/app";
import { withCpu } from "./cpu";

const run = promisify(execFile);

/**
 * The cookies of a reader who wrote the last two of the `count` seeded comments on `slug` a moment
 * ago (so their page shows Edit and Delete): their browser id, name and own comments, signed as
 * the server signs them (lib/comments/reader.ts), so the page is made for them.
 */
export async function commenterCookie(db: Db, slug: string, count: number): Promise<string> {
  const browserId = randomUUID();
  const own = [`seed-${slug}-${count - 2}`, `seed-${slug}-${count - 1}`];
  await db.comment.updateMany({ where: { id: { in: own } }, data: { browserId, createdAt: new Date() } });
  return [
    `mg_browser=${sign(browserId)}`,
    `mg_comments=${sign(own.join("~"))}`,
    `mg_name=${encodeURIComponent("Bench Reader")}`,
  ].join("; ");
}

export type Figures = {
  rps: number;
  p50: number;
  p99: number;
  /** Server CPU ms per answered request (null where /proc is not there). */
  cpuMs: number | null;
  errors: number;
  /** Answers that were not what a reader should get (non-2xx for pages, not a 303/201 for posts). */
  wrong: number;
  requests: number;
  note?: string;
};

/** autocannon for `seconds` at `connections`, against a server whose process group is `pgid`. */
export async function cannon(
  pgid: number,
  url: string,
  options: { connections: number; seconds: number; headers?: string[]; method?: string; body?: string },
): Promise<Figures> {
  const args = [
    "-c",
    String(options.connections),
    "-d",
    String(options.seconds),
    "-j",
    ...(options.headers ?? []).flatMap((header) => ["-H", header]),
    ...(options.method ? ["-m", options.method] : []),
    ...(options.body !== undefined ? ["-b", options.body] : []),
    url,
  ];
  const result = await withCpu(
    pgid,
    async () => JSON.parse((await run("node_modules/.bin/autocannon", args, { maxBuffer: 64 << 20 })).stdout),
    (r) => r.requests.total,
  );
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    cpuMs: result.cpuMs,
    errors: result.errors + result.timeouts,
    wrong: result.non2xx,
    requests: result.requests.total,
  };
}

type StormLine = {
  acknowledged: number;
  perSecond: number;
  p50: number;
  p99: number;
  statuses: Record<string, number>;
  failures: string[];
};

/**
 * `total` comments posted by `clients` (bench/post-client.ts) to `pageUrl`, as the form without
 * JavaScript does ("form"; "action" with a cookie that leaves it to the server action) or through
 * the JSON API ("api"), after BENCH_WARMUP_POSTS (1,000) warm-up posts outside the figures.
 */
export async function posts(
  pgid: number | null,
  mode: "form" | "action" | "api",
  pageUrl: string,
  options: { clients: number; total: number; tag: string },
): Promise<Figures> {
  const client = spawn(
    "node_modules/.bin/tsx",
    ["bench/post-client.ts", mode, pageUrl, String(options.clients), String(options.total), options.tag],
    { stdio: ["pipe", "pipe", "inherit"] },
  );
  const lines: string[] = [];
  let buffered = "";
  let wake: (() => void) | null = null;
  client.stdout!.on("data", (chunk: Buffer) => {
    buffered += chunk.toString();
    const parts = buffered.split("\n");
    buffered = parts.pop()!;
    lines.push(...parts.filter(Boolean));
    wake?.();
  });
  const exited = new Promise<number | null>((resolve) => client.once("exit", resolve));
  const line = async (): Promise<string> => {
    while (lines.length === 0) {
      const woken = new Promise<void>((resolve) => (wake = resolve));
      const code = await Promise.race([woken.then(() => undefined), exited]);
      if (code !== undefined && lines.length === 0) throw new Error(`post-client exited with ${code}`);
    }
    return lines.shift()!;
  };
  if ((await line()) !== "warm") throw new Error("post-client did not warm up");
  const result = await withCpu(
    pgid,
    async () => {
      client.stdin!.write("go\n");
      return JSON.parse(await line()) as StormLine;
    },
    (r) => Object.values(r.statuses).reduce((sum, n) => sum + n, 0),
  );
  const requests = Object.values(result.statuses).reduce((sum, n) => sum + n, 0);
  return {
    rps: result.perSecond,
    p50: result.p50,
    p99: result.p99,
    cpuMs: result.cpuMs,
    errors: result.statuses["0"] ?? 0,
    wrong: requests - result.acknowledged - (result.statuses["0"] ?? 0),
    requests,
    note: result.failures.length ? `failures: ${result.failures.join("; ")}` : undefined,
  };
}
