// npm run import -- --from disqus|wordpress|remark42|isso|marginalia FILE [--dry-run] [--strict]
//                   [--map "old -> new"]... [--map-file F]
// Imports another comment system's export (or Marginalia's own JSON export) into DATABASE_URL;
// see docs/comments.md, "Moving in". What cannot be placed or read is reported and skipped, and
// the command exits 0 with its summary; with --strict such a record refuses the whole file (exit 1).
// The modules it shares with the app import `server-only`, which throws outside Next's server
// bundle: it is marked loaded (empty) first, as vitest.config.ts aliases it.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import { parseArgs } from "node:util";
import nextEnv from "@next/env";

// An import allocates fast and keeps little (a few hundred bytes a comment), and V8's default
// heap growth then holds 500 MB for a 50,000-comment file; growing by a quarter at a time with a
// small young generation, it stays under 300 MB at the same speed, with no ceiling on the number
// of comments. V8 reads these flags only at start (and not from NODE_OPTIONS): the script runs
// itself again with them.
const HEAP_FLAGS = ["--heap-growing-percent=25", "--max-semi-space-size=4"];
if (!process.execArgv.includes(HEAP_FLAGS[0])) {
  const child = spawnSync(process.execPath, [...HEAP_FLAGS, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: "inherit",
  });
  process.exit(child.status ?? 1);
}

nextEnv.loadEnvConfig(process.cwd());
const require = createRequire(import.meta.url);
const serverOnly = require.resolve("server-only");
require.cache[serverOnly] = { id: serverOnly, filename: serverOnly, loaded: true, exports: {} } as NodeJS.Module;
const { listArticles } = await import("@/lib/content/articles");
const { createDb } = await import("@/lib/server/db");
const { importBackup, importFrom } = await import("../lib/comments/service");
const { describeImported } = await import("../lib/comments/backup");
const { describeImportProblem } = await import("../lib/comments/export-schema");
const { formatReport } = await import("../lib/comments/import/report");
const { parseMap, parseMapFile } = await import("../lib/comments/import/paths");
const { IMPORT_FORMATS } = await import("../lib/comments/import/source");

const usage =
  'usage: npm run import -- --from disqus|wordpress|remark42|isso|marginalia FILE [--dry-run] [--strict] [--map "old -> new"]... [--map-file FILE]';
let args;
try {
  args = parseArgs({
    allowPositionals: true,
    options: {
      from: { type: "string" },
      "dry-run": { type: "boolean" },
      strict: { type: "boolean" },
      map: { type: "string", multiple: true },
      "map-file": { type: "string" },
    },
  });
} catch (error) {
  console.error(`${(error as Error).message}\n${usage}`);
  process.exit(2);
}
const own = args.values.from === "marginalia";
const format = IMPORT_FORMATS.find((name) => name === args.values.from);
const file = args.positionals[0];
if ((!format && !own) || !file || args.positionals.length !== 1) {
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

/** Marginalia's own export (the /admin backup): all of it, or nothing with one bad record. */
async function importOwn(db: ReturnType<typeof createDb>): Promise<boolean> {
  let data: unknown;
  try {
    data = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    throw new Error(`${file}: is not JSON: is this Marginalia's export?`);
  }
  const result = await importBackup(data, db);
  if (result.kind === "refused") {
    console.log(`Refused; nothing was written: ${describeImportProblem(result.problem)}`);
    return false;
  }
  console.log(describeImported(result));
  return true;
}

const db = createDb();
try {
  if (!fs.existsSync(file)) throw new Error(`${file}: does not exist`);
  const maps = [
    ...(args.values["map-file"]
      ? parseMapFile(fs.readFileSync(args.values["map-file"], "utf8"), args.values["map-file"])
      : []),
    ...(args.values.map ?? []).map((text) => parseMap(text)),
  ];
  const slugs = new Set(listArticles({ includeDrafts: true }).map((article) => article.slug));
  const started = performance.now();
  let done = true;
  if (own) done = await importOwn(db);
  else {
    const options = { format: format!, file, slugs, maps, dryRun: args.values["dry-run"], strict: args.values.strict };
    const report = await importFrom({ ...options, onProgress }, db);
    if (tty) process.stderr.write("\r\x1b[K");
    console.log(formatReport(report));
    done = report.refusedCount === 0;
  }
  const peak = process.resourceUsage().maxRSS / 1024; // kilobytes
  console.log(`(${((performance.now() - started) / 1000).toFixed(1)} s, peak memory ${peak.toFixed(0)} MB)`);
  process.exitCode = done ? 0 : 1;
} catch (error) {
  if (tty) process.stderr.write("\r\x1b[K");
  console.error(`npm run import: ${(error as Error).message}`);
  if (process.env.DEBUG) console.error(error);
  process.exitCode = 1;
} finally {
  await db.$disconnect();
}
