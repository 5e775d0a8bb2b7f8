// Starts the site the way a reader meets it: `next build && next start`, on a fresh SQLite file
// migrated by the project's own command.
import { execSync, spawn } from "node:child_process";
import fs from "node:fs";

const port = process.argv[2] ?? "3210";
const env = { ...process.env, DATABASE_URL: "file:./data/e2e.db", NEXT_TELEMETRY_DISABLED: "1" };

for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(`data/e2e.db${suffix}`, { force: true });
execSync("npm run --silent db:migrate", { env, stdio: "inherit" });
if (!process.env.E2E_SKIP_BUILD) execSync("npx next build", { env, stdio: "inherit" });

const server = spawn("npx", ["next", "start", "--hostname", "127.0.0.1", "--port", port], { env, stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => server.kill(signal));
server.on("exit", (code) => process.exit(code ?? 0));
