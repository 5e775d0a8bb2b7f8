// The page cache (lib/server/page-cache.ts) seen from outside, each check on a server of its own: what
// leaves the server from the first answer after a start, and the memory it holds under hostile URLs.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import { freshSqlite, loadEnv, openDb, seedComments, startServer, type RunningServer } from "../support/app";
import { waitUntil } from "../support/wait";
import { SERVER_START_MS } from "../e2e/support/servers";
import { articlePath } from "@/lib/routes";

type Check = (name: string, body: () => Promise<string | void>) => Promise<void>;
const SLUG = "monolith-vs-microservices";
const LOG = "data/reliability-page-cache.log";

// The values a template is rendered with in place of each answer's nonce and form token.
const PLACEHOLDER = /mg(nonce|token|request|name|actions)[0-9a-f]{24}/;

const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect(port, "127.0.0.1", () => resolve(true)).on("error", () => resolve(false));
    socket.end();
  });

/** Waits until the port takes connections (`open`) or no longer does. */
const portState = (port: number, open: boolean, timeoutMs: number) =>
  waitUntil(
    `port ${port} to ${open ? "take" : "refuse"} connections`,
    async () => (await listening(port)) === open,
    timeoutMs,
  );

/**
 * `next start`, ready once its port takes connections: startServer waits by asking for the home
 * page, and the first page a process renders is the one answered with a preload Link header.
 */
async function startUnasked(port: number, env: NodeJS.ProcessEnv): Promise<RunningServer> {
  const server = spawn("node_modules/.bin/next", ["start", "--hostname", "127.0.0.1", "--port", String(port)], {
    env,
    stdio: ["ignore", fs.openSync(LOG, "a"), fs.openSync(LOG, "a")],
    detached: true,
  });
  const stop = (signal: NodeJS.Signals = "SIGTERM") => {
    try {
      process.kill(-server.pid!, signal);
    } catch {
      // already gone
    }
  };
  const exit = new Promise((resolve) => server.once("exit", resolve));
  const exited = async () => {
    await exit;
    await portState(port, false, 30_000);
  };
  try {
    await portState(port, true, SERVER_START_MS);
  } catch (error) {
    stop();
    throw error;
  }
  return { url: `http://127.0.0.1:${port}`, pid: server.pid!, stop, exited };
}

/** The resident memory of a `next start` server (every process of its group), in MB. */
function rssMegabytes(server: RunningServer): number {
  let kilobytes = 0;
  for (const pid of fs.readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
      const group = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
      if (group === server.pid)
        kilobytes += Number(/VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
    } catch {
      // a process that ended meanwhile
    }
  }
  assert.ok(kilobytes > 0, `no process in the server's group ${server.pid}`);
  return kilobytes / 1024;
}

/** The slug with the characters that bit i + 1 picks percent-encoded: a different spelling per i. */
function spelling(slug: string, i: number): string {
  return [...slug].map((char, bit) => (((i + 1) >> bit) & 1 ? `%${char.charCodeAt(0).toString(16)}` : char)).join("");
}

export async function pageCacheChecks(port: number, check: Check, spellings: number): Promise<void> {
  const url = freshSqlite("reliability-page-cache");
  const db = openDb(url);
  await seedComments(db, SLUG, 8);
  await db.$disconnect();

  await check("page cache: no answer carries a placeholder, from the first after a start on", async () => {
    const server = await startUnasked(port, loadEnv(url));
    const pageUrl = `${server.url}${articlePath(SLUG)}`;
    try {
      let answers = 0;
      const inspect = async (method: "GET" | "HEAD") => {
        const response = await fetch(pageUrl, { method });
        const body = await response.text();
        assert.equal(response.status, 200, `${method}: ${response.status}`);
        for (const [name, value] of response.headers)
          assert.doesNotMatch(`${name}: ${value}`, PLACEHOLDER, `${method} answered with header ${name}: ${value}`);
        assert.doesNotMatch(body, PLACEHOLDER, `${method} answered with a placeholder in its body`);
        answers++;
      };
      // Readers arriving together at a server that has rendered nothing yet, then on over some
      // seconds, as cached pages expire and are rendered again.
      await Promise.all(Array.from({ length: 24 }, (_, i) => inspect(i % 4 === 3 ? "HEAD" : "GET")));
      const until = Date.now() + 3_000;
      for (let i = 0; Date.now() < until; i++) await inspect(i % 4 === 3 ? "HEAD" : "GET");
      return `${answers} answers (GET and HEAD, 24 at once right after the start): no mgnonce/mgtoken value in any header or body`;
    } finally {
      server.stop();
      await server.exited(); // the next check starts its server on the same port
    }
  });

  await check(`page cache: memory stays flat across ${spellings} spellings of an article's address`, async () => {
    // A small old space makes V8 collect garbage instead of growing into free memory, so what the
    // resident size gains is what the server keeps.
    const server = await startServer(port, loadEnv(url, { NODE_OPTIONS: "--max-old-space-size=160" }), LOG);
    try {
      const statuses = new Map<number, number>();
      const ask = async (from: number, count: number) => {
        for (let i = from; i < from + count; i += 20) {
          await Promise.all(
            Array.from({ length: Math.min(20, from + count - i) }, async (_, k) => {
              const response = await fetch(`${server.url}${articlePath(spelling(SLUG, i + k))}`, {
                redirect: "manual",
              }).catch((error: Error) =>
                assert.fail(
                  `no answer after ${[...statuses.values()].reduce((a, b) => a + b, 0)} requests (${error.message}): out of memory? See ${LOG}`,
                ),
              );
              await response.arrayBuffer();
              statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
              if (response.status === 308) assert.equal(response.headers.get("location"), articlePath(SLUG));
            }),
          );
        }
      };
      await ask(0, 500); // warm-up: the page rendered, the code paths compiled
      const before = rssMegabytes(server);
      await ask(500, spellings);
      const after = rssMegabytes(server);
      const page = await fetch(`${server.url}${articlePath(SLUG)}`);
      assert.equal(page.status, 200);
      assert.ok(after - before < 40, `resident memory grew from ${before.toFixed(0)} MB to ${after.toFixed(0)} MB`);
      return `${spellings} spellings (${[...statuses].map(([status, count]) => `${count}× ${status}`).join(", ")}): ${before.toFixed(0)} MB → ${after.toFixed(0)} MB`;
    } finally {
      server.stop();
    }
  });
}
