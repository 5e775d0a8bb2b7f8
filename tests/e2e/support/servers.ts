// Production servers for the browser tests: server.ts (what `npm start` runs) on a build made
// beforehand, each on a SQLite file of its own, migrated by the project's own command.
import { execSync, spawn } from "node:child_process";
import fs from "node:fs";
import { waitUntil } from "../../support/wait";

export const E2E_PORT = Number(process.env.E2E_PORT ?? 3210);
/** Where tests/e2e/global-setup.ts gathers the content every e2e server publishes. */
export const E2E_CONTENT_DIR = "data/e2e-content";

/** The environment every e2e server shares; a test that needs another setting starts its own server. */
export function e2eEnv(database: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DATABASE_URL: database,
    NEXT_TELEMETRY_DISABLED: "1",
    CONTENT_DIR: E2E_CONTENT_DIR,
    SITE_URL: "https://marginalia.example",
    PREVIEW_TOKEN: "e2e-preview-token-0123456789",
    COOKIE_SECRET: "e2e-secret-that-is-at-least-32-characters",
    ADMIN_PASSWORD: "correct horse battery staple",
    // Playwright types faster than any person; the minimum fill time is covered by unit tests.
    COMMENT_MIN_FILL_SECONDS: "0",
    // The tests play the proxy in front of the site: the X-Forwarded-For they send stands for a
    // reader's address (tests/reliability/security.ts checks a server without it).
    TRUST_PROXY: "loopback",
    ...extra,
  };
}

/**
 * A fresh SQLite file (data/<name>.db), migrated; returns its DATABASE_URL. The project's own
 * migrate command runs once per set of migrations, on a template every fresh file is a copy of:
 * a run starts some twenty servers, and each migration costs npm, tsx and the schema engine's start.
 */
export function freshSqlite(name: string): string {
  const file = `data/${name}.db`;
  for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(`${file}${suffix}`, { force: true });
  fs.copyFileSync(migratedTemplate(), file);
  return `file:./${file}`;
}

/** The template's path, migrated by `npm run db:migrate` when the migrations changed since it was made. */
function migratedTemplate(): string {
  const template = "data/e2e-template.db";
  const migrations = fs.readdirSync("prisma/migrations").sort().join("\n");
  const stamp = `${template}.migrations`;
  if (fs.existsSync(template) && fs.existsSync(stamp) && fs.readFileSync(stamp, "utf8") === migrations) return template;
  // Made under a name of its own, then renamed: two workers may make it at once, and neither
  // copies a half-migrated file.
  const making = `data/e2e-template-${process.pid}.db`;
  for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(`${making}${suffix}`, { force: true });
  execSync("npm run --silent db:migrate", { env: e2eEnv(`file:./${making}`), stdio: "inherit" });
  fs.renameSync(making, template);
  fs.writeFileSync(stamp, migrations);
  return template;
}

const answers = (url: string) =>
  fetch(url).then(
    () => true,
    () => false,
  );

export type RunningServer = {
  url: string;
  pid: number;
  /** Sends `signal` to the server's process group, without waiting. */
  stop: (signal?: NodeJS.Signals) => void;
  /** Resolves once the server's process has exited and nothing answers on its port (to start another there). */
  exited: () => Promise<void>;
};

/** How long a server may take to answer after its start: server.ts compiles and loads the build, slowly on a loaded two-core machine. */
export const SERVER_START_MS = 90_000;
/** The timeout of a hook (or worker fixture) that migrates a database and starts a server on it. */
export const SERVER_SETUP_MS = 120_000;

/** What `npm start` runs after its set-up step (scripts/serve.sh: server.ts as `npm run build` compiled it, its node flags and allocator). The security checks also try plain `next start` (NEXT_START). */
export const SERVER_TS = ["sh", "scripts/serve.sh"];
/** What `npm run dev` runs: server.ts itself, through tsx. */
export const SERVER_DEV = [process.execPath, "--import", "tsx", "server.ts", "--dev"];
export const NEXT_START = ["node_modules/.bin/next", "start"];

/**
 * Starts server.ts (or `command`) on `port` and resolves once it answers; `stop` ends it and its
 * children (SIGKILL for a crash), `exited` waits for that. `log` names a file for its output;
 * otherwise it is dropped.
 */
export async function startServer(
  port: number,
  env: NodeJS.ProcessEnv,
  log?: string,
  [program, ...args] = SERVER_TS,
): Promise<RunningServer> {
  const url = `http://127.0.0.1:${port}`;
  if (await answers(url)) throw new Error(`port ${port} is taken: stop what runs there first`);
  // Its own process group, so stopping it also stops the node process it starts.
  const server = spawn(program, [...args, "--hostname", "127.0.0.1", "--port", String(port)], {
    env,
    stdio: log ? ["ignore", fs.openSync(log, "a"), fs.openSync(log, "a")] : "ignore",
    detached: true,
  });
  const stop = (signal: NodeJS.Signals = "SIGTERM") => {
    try {
      process.kill(-server.pid!, signal);
    } catch {
      // already gone
    }
  };
  let running = true;
  const exit = new Promise<void>((resolve) => server.once("exit", () => resolve()));
  void exit.then(() => (running = false));
  const exited = async () => {
    await exit;
    await waitUntil(`port ${port} to be free once its server exited`, async () => !(await answers(url)), 30_000);
  };
  try {
    // Until it answers, or fails at once if it exits first (say, a port taken meanwhile).
    await waitUntil(
      `the server on port ${port} to answer${log ? ` (see ${log})` : ""}`,
      async () => {
        if (!running) throw new Error(`the server on port ${port} exited while starting${log ? `: see ${log}` : ""}`);
        return answers(url);
      },
      SERVER_START_MS,
      200,
    );
  } catch (error) {
    stop();
    throw error;
  }
  return { url, pid: server.pid!, stop, exited };
}
