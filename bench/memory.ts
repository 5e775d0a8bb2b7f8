// Memory and start-up figures of `npm run bench`: the server's resident memory (RSS, from /proc)
// at moments of the run, and the cold start of `npm start` on a migrated SQLite database, timed to
// the first answered article and to /readyz 200. bench/heap-snapshot.ts says where a heap goes.
import { spawn } from "node:child_process";
import fs from "node:fs";
import { articlePath, READY_PATH } from "../lib/routes";
import { percentile } from "../tests/support/poster";

/** Resident memory of process `pid` in MB (VmRSS); null off Linux. */
export function rssMb(pid: number): number | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
  } catch {
    return null;
  }
}

export type ColdStart = { article: number; ready: number };

/** Milliseconds from `started` until `url` answers 200 (polled every 10 ms). */
async function answered(url: string, started: number, limitMs: number): Promise<number> {
  while (performance.now() - started < limitMs) {
    const ok = await fetch(url).then(
      async (response) => (await response.arrayBuffer(), response.status === 200),
      () => false,
    );
    if (ok) return performance.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`${url} did not answer 200 within ${limitMs} ms`);
}

/**
 * `npm start` (its set-up step included) on a database migrated before, `rounds` times: the
 * median time to the first article answered and to /readyz 200, each from the command's start.
 */
export async function coldStart(port: number, env: NodeJS.ProcessEnv, slug: string, rounds = 3): Promise<ColdStart> {
  const articles: number[] = [];
  const readies: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const started = performance.now();
    const child = spawn("npm", ["start", "--silent", "--", "--hostname", "127.0.0.1", "--port", String(port)], {
      env,
      stdio: "ignore",
      detached: true,
    });
    const exited = new Promise((resolve) => child.once("exit", resolve));
    try {
      const base = `http://127.0.0.1:${port}`;
      // Both polled together: whichever comes first does not delay the other.
      const [article, ready] = await Promise.all([
        answered(`${base}${articlePath(slug)}`, started, 60_000),
        answered(`${base}${READY_PATH}`, started, 60_000),
      ]);
      articles.push(article);
      readies.push(ready);
    } finally {
      process.kill(-child.pid!, "SIGTERM");
      await exited;
      // The next round's server takes the same port.
      while (
        await fetch(`http://127.0.0.1:${port}/`).then(
          () => true,
          () => false,
        )
      )
        await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  return { article: percentile(articles, 50), ready: percentile(readies, 50) };
}
