// The main e2e server (playwright.config.ts webServer): `next build`, then server.ts (as `npm
// start` runs it) on a fresh SQLite file. E2E_SKIP_BUILD=1 reuses the last build.
import { execSync, spawn } from "node:child_process";
import fs from "node:fs";
import { E2E_CONTENT_DIR, e2eEnv, freshSqlite } from "./support/servers";

const port = process.argv[2] ?? "3210";

// The real article plus the fixtures in tests/fixtures/content-e2e: enough articles for a second
// index page, tags, previous/next links, an image, a draft and an article dated in the future.
fs.rmSync(E2E_CONTENT_DIR, { recursive: true, force: true });
fs.cpSync("content", E2E_CONTENT_DIR, { recursive: true });
fs.cpSync("tests/fixtures/content-e2e", E2E_CONTENT_DIR, { recursive: true });

const env = e2eEnv(freshSqlite("e2e"));
if (!process.env.E2E_SKIP_BUILD) execSync("npx next build", { env, stdio: "inherit" });

const server = spawn("node_modules/.bin/tsx", ["server.ts", "--hostname", "127.0.0.1", "--port", port], {
  env,
  stdio: "inherit",
});
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => server.kill(signal));
server.on("exit", (code) => process.exit(code ?? 0));
