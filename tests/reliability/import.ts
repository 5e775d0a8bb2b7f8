// The import's memory check: a generated Disqus export of many comments is imported by the real
// command (`npm run import`) into a fresh SQLite file; every comment must be stored and the
// process's peak memory must stay bounded, i.e. far below what holding the file would take.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { resolveDatabaseTarget } from "@/lib/server/database-url";
import { applyMigrations } from "@/scripts/lib/migrations";
import { articlePath } from "@/lib/routes";

const SLUG = "monolith-vs-microservices";
const HEAP_MB = 256;
const xml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** Writes a Disqus export of `comments` comments in 1,000 threads, a third of them replies. */
export function writeBigDisqus(file: string, comments: number): void {
  const out = fs.openSync(file, "w");
  const write = (text: string) => fs.writeSync(out, text);
  write(
    '<?xml version="1.0" encoding="utf-8"?>\n<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">\n',
  );
  const threads = 1000;
  for (let t = 0; t < threads; t++) {
    // Every thread is one old URL of the same article (a query string each): all match it.
    write(
      `<thread dsq:id="t${t}"><link>https://old.example${articlePath(SLUG)}/?page=${t}</link><title>T${t}</title></thread>\n`,
    );
  }
  for (let i = 0; i < comments; i++) {
    const thread = i % threads;
    const parent = i >= threads && i % 3 === 0 ? `<parent dsq:id="p${i - threads}"/>` : "";
    const body = xml(
      `<p>Comment ${i} with <b>some</b> text, ${"lorem ipsum dolor sit amet ".repeat(8)}</p><p><a href="https://example.com/${i}">a link</a></p>`,
    );
    const stamp = new Date(Date.UTC(2015, 0, 1) + i * 60_000).toISOString();
    write(
      `<post dsq:id="p${i}"><message>${body}</message><createdAt>${stamp}</createdAt><isDeleted>false</isDeleted><isSpam>false</isSpam>` +
        `<author><name>Reader ${i % 977}</name><isAnonymous>true</isAnonymous></author><thread dsq:id="t${thread}"/>${parent}</post>\n`,
    );
  }
  write("</disqus>\n");
  fs.closeSync(out);
}

export async function importMemoryCheck(comments: number): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "marginalia-import-big-"));
  try {
    const file = path.join(dir, "disqus.xml");
    writeBigDisqus(file, comments);
    const url = `file:${path.join(dir, "import.db")}`;
    await applyMigrations(resolveDatabaseTarget(url));
    const output = execFileSync("npx", ["tsx", "scripts/import.ts", "--from", "disqus", file], {
      encoding: "utf8",
      // A heap capped well below the file's size: holding the file, or a leak per comment, fails.
      env: {
        ...process.env,
        DATABASE_URL: url,
        CONTENT_DIR: path.resolve("content"),
        NODE_OPTIONS: `--max-old-space-size=${HEAP_MB}`,
      },
      maxBuffer: 16 * 1024 * 1024,
    });
    const stored = new Database(url.slice("file:".length), { readonly: true })
      .prepare("SELECT count(*) AS n FROM Comment")
      .get() as { n: number };
    assert.equal(stored.n, comments, `stored ${stored.n} of ${comments}: ${output}`);
    const [, seconds, peak] = /\(([\d.]+) s, peak memory (\d+) MB\)/.exec(output) ?? [];
    const megabytes = (fs.statSync(file).size / 1024 / 1024).toFixed(0);
    // The process as a whole: Node, Prisma's query compiler (WebAssembly) and the capped heap.
    const limit = 450;
    assert.ok(Number(peak) < limit, `peak memory ${peak} MB is over ${limit} MB (file ${megabytes} MB)`);
    return `${comments} comments (${megabytes} MB file) in ${seconds} s, peak memory ${peak} MB`;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
