// The server's CPU per request for any pages, each under load in turn:
//   npx tsx bench/pages.ts [--seconds 8] [--prof] [path …]
// Starts server.ts (the last build; `npm run test:build` makes one) on a fresh SQLite database with
// 200 comments on the bench's article, and for each path (default: the not-found page, the index,
// an article without comments and the one with 200, each with a query string so that Next.js
// renders it) runs autocannon with 10 connections (3 s to warm up, then --seconds), printing the
// CPU ms per request read from /proc, requests/s and the page's size. --prof writes a CPU profile
// of the server into data/prof/ (bench/cpu-profile.ts reads it). Beside bench/next-floor.ts, it
// tells what the site's own pages add to what Next.js costs.
import fs from "node:fs";
import { parseArgs } from "node:util";
import { freshSqlite, loadEnv, openDb, seedComments, startServer } from "../tests/support/app";
import { SERVER_TS } from "../tests/e2e/support/servers";
import { cannon } from "./load";

const { values, positionals } = parseArgs({
  options: { seconds: { type: "string", default: "8" }, prof: { type: "boolean", default: false } },
  allowPositionals: true,
});
const PORT = Number(process.env.BENCH_PORT ?? 3420);
const PATHS = positionals.length
  ? positionals
  : ["/no-such-page?r=1", "/?r=1", "/articles/field-note-08?r=1", "/articles/monolith-vs-microservices?r=1"];

async function main() {
  const url = freshSqlite(`pages-bench-${PORT}`);
  const db = openDb(url);
  await seedComments(db, "monolith-vs-microservices", 200);
  await db.$disconnect();
  if (values.prof) fs.mkdirSync("data/prof", { recursive: true });
  const flags = values.prof ? "--cpu-prof --cpu-prof-dir=data/prof" : "";
  const server = await startServer(
    PORT,
    loadEnv(url, { NODE_FLAGS: flags }),
    `data/pages-bench-${PORT}.log`,
    SERVER_TS,
  );
  try {
    for (const page of PATHS) {
      await cannon(server.pid, server.url + page, { connections: 10, seconds: 3 });
      const loaded = await cannon(server.pid, server.url + page, { connections: 10, seconds: Number(values.seconds) });
      const bytes = (await (await fetch(server.url + page)).arrayBuffer()).byteLength;
      console.log(
        `${page}: ${loaded.cpuMs?.toFixed(3)} ms of CPU per request, ${Math.round(loaded.rps)} req/s, ` +
          `${(bytes / 1024).toFixed(1)} KB`,
      );
    }
  } finally {
    server.stop();
    await server.exited();
  }
}

await main();
