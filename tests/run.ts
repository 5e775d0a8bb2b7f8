// `npm test`: every suite (typecheck, lint, content, vitest, the browser tests' quick tier, the
// short reliability suite), stopping at the first that fails. The static checks run side by side
// (`npm run typecheck`'s tsc, ESLint and Prettier, check:content): each keeps one core busy and
// waits on nothing else, and ESLint takes about as long as the others together, so on two cores
// they take about as long as ESLint alone. The route types tsc and ESLint read are written first
// (`next typegen`, the typecheck's first half). Their output is printed step by step, in order.
// The production build the browser tests and the reliability suite run against is made while
// vitest runs: vitest mostly waits on its databases, so on two cores the build costs little wall
// time there, and it does not touch anything vitest reads (it builds data/e2e-content into .next/).
// The browser tests' quick tier and the short reliability suite then run side by side on that
// build: each waits much of its time (on Chromium's page loads, on servers starting and on the
// admin login's slow-down), on ports, files and databases of its own. The suite's output is
// printed after the browser tests'.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";

const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const BUILD_LOG = "data/test-build.log";
const running = new Set<ChildProcess>();
// Let finish rather than killed when another step fails: the reliability suite stops its own
// servers (its own PostgreSQL and nginx among them), which a kill would leave running.
const letFinish = new Map<ChildProcess, Promise<Result>>();

type Output = "inherit" | { log: string } | "buffer";
type Result = { code: number; output: string };

function run(
  script: string | string[],
  env: NodeJS.ProcessEnv = process.env,
  output: Output = "inherit",
  args: string[] = [],
  { finishOnStop = false } = {},
): Promise<Result> {
  const extra = args.length ? ["--", ...args] : [];
  const out = output === "inherit" ? "inherit" : output === "buffer" ? "pipe" : fs.openSync(output.log, "w");
  // A script of package.json, or a command of node_modules/.bin.
  const command =
    typeof script === "string" ? [npm, "run", "--silent", script, ...extra] : [npm, "exec", "--", ...script];
  const child = spawn(command[0], command.slice(1), { env, stdio: ["ignore", out, out] });
  running.add(child);
  const chunks: Buffer[] = [];
  child.stdout?.on("data", (chunk: Buffer) => chunks.push(chunk));
  child.stderr?.on("data", (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Result>((resolve) =>
    child.on("close", (code, signal) => {
      running.delete(child);
      resolve({ code: code ?? (signal ? 1 : 0), output: Buffer.concat(chunks).toString("utf8") });
    }),
  );
  if (finishOnStop) letFinish.set(child, done);
  return done;
}

async function stop(step: string, code: number): Promise<never> {
  console.error(`npm test: ${step} failed (exit ${code})`);
  // What still runs beside the failed step (another static check, the build) is not waited for.
  for (const child of running) if (!letFinish.has(child)) child.kill();
  for (const [child, done] of letFinish) {
    if (!running.has(child)) continue;
    console.error("npm test: waiting for the reliability suite to stop its servers");
    process.stdout.write((await done).output);
  }
  process.exit(code || 1);
}

// Side by side, reported in order: a later check's output waits for the earlier ones to end.
const typegen = await run(["next", "typegen"], process.env, "buffer");
if (typegen.code !== 0) {
  process.stdout.write(typegen.output);
  await stop("typecheck", typegen.code);
}
const staticChecks = [
  { step: "typecheck", done: run(["tsc", "--noEmit"], process.env, "buffer") },
  // `npm run lint`'s halves apart: ESLint on one core, Prettier beside tsc on the other.
  { step: "lint:code", done: run("lint:code", process.env, "buffer") },
  { step: "lint:format", done: run("lint:format", process.env, "buffer") },
  { step: "check:content", done: run("check:content", process.env, "buffer") },
];
for (const { step, done } of staticChecks) {
  const { code, output } = await done;
  process.stdout.write(output);
  if (code !== 0) await stop(step, code);
}

fs.mkdirSync("data", { recursive: true });
// `next build` type-checks the app again unless told the typecheck above has done it (next.config.ts).
const build = run("test:build", { ...process.env, TYPES_CHECKED: "1" }, { log: BUILD_LOG });
const unit = await run("test:unit");
const built = await build;
if (unit.code !== 0) await stop("test:unit", unit.code);
if (built.code !== 0) {
  process.stderr.write(fs.readFileSync(BUILD_LOG, "utf8"));
  await stop("test:build", built.code);
}

// Both reuse the build just made, side by side. Of the browser tests, the quick tier (tagged
// @quick); the rest run in `npm run test:reliability` and CI (docs/testing.md, "Two tiers").
const reuse = { ...process.env, E2E_SKIP_BUILD: "1", SKIP_BUILD: "1" };
const reliability = run("test:reliability:short", reuse, "buffer", [], { finishOnStop: true });
const browser = await run("test:e2e", reuse, "inherit", ["--grep", "@quick"]);
if (browser.code !== 0) await stop("test:e2e", browser.code);
const shortSuite = await reliability;
process.stdout.write(shortSuite.output);
if (shortSuite.code !== 0) await stop("test:reliability:short", shortSuite.code);
