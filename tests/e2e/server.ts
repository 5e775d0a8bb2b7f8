// The main e2e server (playwright.config.ts webServer): `next build && next start` on a fresh
// SQLite file. E2E_SKIP_BUILD=1 reuses the last build.
import { execSync, spawn } from "node:child_process";
import { e2eEnv, freshSqlite } from "./support/servers";

const port = process.argv[2] ?? "3210";
const env = e2eEnv(freshSqlite("e2e"));
if (!process.env.E2E_SKIP_BUILD) execSync("npx next build", { env, stdio: "inherit" });

const server = spawn("npx", ["next", "start", "--hostname", "127.0.0.1", "--port", port], { env, stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => server.kill(signal));
server.on("exit", (code) => process.exit(code ?? 0));
