// `npm test`: every suite in turn (typecheck, lint, content, vitest, the browser tests' quick tier,
// the short reliability suite), stopping at the first that fails. The production build the browser tests
// and the reliability suite run against is made while vitest runs: vitest mostly waits on its
// databases, so on two cores the build costs little wall time there, and it does not touch
// anything vitest reads (it builds data/e2e-content into .next/).
import { spawn } from "node:child_process";
import fs from "node:fs";

const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const BUILD_LOG = "data/test-build.log";

function run(script: string, env: NodeJS.ProcessEnv = process.env, log?: string, args: string[] = []): Promise<number> {
  const out = log ? fs.openSync(log, "w") : "inherit";
  const extra = args.length ? ["--", ...args] : [];
  const child = spawn(npm, ["run", "--silent", script, ...extra], { env, stdio: ["ignore", out, out] });
  return new Promise((resolve) => child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0))));
}

function stop(step: string, code: number): never {
  console.error(`npm test: ${step} failed (exit ${code})`);
  process.exit(code || 1);
}

for (const step of ["typecheck", "lint", "check:content"]) {
  const code = await run(step);
  if (code !== 0) stop(step, code);
}

fs.mkdirSync("data", { recursive: true });
const build = run("test:build", process.env, BUILD_LOG);
const unit = await run("test:unit");
const built = await build;
if (unit !== 0) stop("test:unit", unit);
if (built !== 0) {
  process.stderr.write(fs.readFileSync(BUILD_LOG, "utf8"));
  stop("test:build", built);
}

// Both reuse the build just made. Of the browser tests, the quick tier (tagged @quick); the rest
// run in `npm run test:reliability` and CI (docs/testing.md, "Two tiers").
const reuse = { ...process.env, E2E_SKIP_BUILD: "1", SKIP_BUILD: "1" };
const browser = await run("test:e2e", reuse, undefined, ["--grep", "@quick"]);
if (browser !== 0) stop("test:e2e", browser);
const reliability = await run("test:reliability:short", reuse);
if (reliability !== 0) stop("test:reliability:short", reliability);
