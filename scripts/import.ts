// npm run import -- --from disqus|wordpress|remark42|isso FILE [--dry-run] [--map old=new] [--map-file F]
// Imports another comment system's export into DATABASE_URL (see docs/comments.md). Run with the
// The modules it shares with the app import `server-only`, which throws outside Next's server
// bundle: it is marked loaded (empty) first, as vitest.config.ts aliases it.
import fs from "node:fs";
import { createRequire } from "node:module";
import { parseArgs } from "node:util";
import nextEnv from "@next/env";

nextEnv.loadEnvConfig(process.cwd());
const require = createRequire(import.meta.url);
const serverOnly = require.resolve("server-only");
require.cache[serverOnly] = { id: serverOnly, filename: serverOnly, loaded: true, exports: {} } as NodeJS.Module;
const { listArticles } = await import("@/lib/content/articles");
const { createDb } = await import("@/lib/server/db");
const { importFrom } = await import("../lib/comments/service");
const { formatReport } = await import("../lib/comments/import/report");
const { parseMap, parseMapFile } = await import("../lib/comments/import/paths");
const { IMPORT_FORMATS, ImportFileError } = await import("../lib/comments/import/source");

const usage =
  "usage: npm run import -- --from disqus|wordpress|remark42|isso FILE [--dry-run] [--map old=new]... [--map-file FILE]";
let args;
try {
  args = parseArgs({
    allowPositionals: true,
    options: {
      from: { type: "string" },
      "dry-run": { type: "boolean" },
      map: { type: "string", multiple: true },
      "map-file": { type: "string" },
    },
  });
} catch (error) {
  console.error(`${(error as Error).message}\n${usage}`);
  process.exit(2);
}
const format = IMPORT_FORMATS.find((name) => name === args.values.from);
const file = args.positionals[0];
if (!format || !file || args.positionals.length !== 1) {
  console.error(usage);
  process.exit(2);
}

// A progress line on a terminal, redrawn at most ten times a second; nothing in a pipe or a log.
let lastDraw = 0;
const tty = process.stderr.isTTY;
const onProgress = (phase: string, done: number, total: number) => {
  if (!tty || (Date.now() - lastDraw < 100 && done < total)) return;
  lastDraw = Date.now();
  const share = total > 0 ? Math.min(1, done / total) : 0;
  const width = 30;
  const bar = "#".repeat(Math.round(share * width)).padEnd(width, ".");
  process.stderr.write(`\r${phase.padEnd(9)} [${bar}] ${(share * 100).toFixed(0).padStart(3)}%`);
};

const db = createDb();
try {
  if (!fs.existsSync(file)) throw new ImportFileError(file, "file", "does not exist");
  const maps = [
    ...(args.values["map-file"]
      ? parseMapFile(fs.readFileSync(args.values["map-file"], "utf8"), args.values["map-file"])
      : []),
    ...(args.values.map ?? []).map((text) => parseMap(text)),
  ];
  const slugs = new Set(listArticles({ includeDrafts: true }).map((article) => article.slug));
  const started = performance.now();
  const report = await importFrom({ format, file, slugs, maps, dryRun: args.values["dry-run"], onProgress }, db);
  if (tty) process.stderr.write("\r\x1b[K");
  console.log(formatReport(report));
  const peak = process.resourceUsage().maxRSS / 1024; // kilobytes
  console.log(`(${((performance.now() - started) / 1000).toFixed(1)} s, peak memory ${peak.toFixed(0)} MB)`);
  process.exitCode = report.refusedCount > 0 ? 1 : 0;
} catch (error) {
  if (tty) process.stderr.write("\r\x1b[K");
  console.error(`npm run import: ${error instanceof ImportFileError ? error.message : (error as Error).message}`);
  if (process.env.DEBUG) console.error(error);
  process.exitCode = 1;
} finally {
  await db.$disconnect();
}
