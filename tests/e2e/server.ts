// Starts the site the way a reader meets it: `next build && next start`, on a fresh SQLite file
// migrated by the project's own command.
import { execSync, spawn } from "node:child_process";
import fs from "node:fs";

const port = process.argv[2] ?? "3210";

// The real article plus the fixtures in tests/fixtures/content-e2e: enough articles for a second
// index page, tags, previous/next links, an image, a draft and an article dated in the future.
const E2E_CONTENT_DIR = "data/e2e-content";
fs.rmSync(E2E_CONTENT_DIR, { recursive: true, force: true });
fs.cpSync("content", E2E_CONTENT_DIR, { recursive: true });
fs.cpSync("tests/fixtures/content-e2e", E2E_CONTENT_DIR, { recursive: true });

const env = {
  ...process.env,
  DATABASE_URL: "file:./data/e2e.db",
  NEXT_TELEMETRY_DISABLED: "1",
  CONTENT_DIR: E2E_CONTENT_DIR,
  SITE_URL: "https://marginalia.example",
  PREVIEW_TOKEN: "e2e-preview-token-0123456789",
};

for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(`data/e2e.db${suffix}`, { force: true });
execSync("npm run --silent db:migrate", { env, stdio: "inherit" });
if (!process.env.E2E_SKIP_BUILD) execSync("npx next build", { env, stdio: "inherit" });

const server = spawn("npx", ["next", "start", "--hostname", "127.0.0.1", "--port", port], { env, stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => server.kill(signal));
server.on("exit", (code) => process.exit(code ?? 0));
