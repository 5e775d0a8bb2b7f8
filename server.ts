// `npm start` and `npm run dev`: Next.js behind a node:http server of our own, which does what
// `next start` cannot: tell the app which address each request came from. Rate limits and the
// admin's lock-out count per address, and any client can write X-Forwarded-For; so the address is
// the connection's peer, unless TRUST_PROXY names the proxies whose forwarded headers to believe.
// It answers what Next.js would answer slowly and need not see: the pages its cache keeps
// (lib/server/page-cache-http.ts) and new comments (lib/server/post-lane.ts); and what Next.js
// must not see: the fediverse's requests, which Fedify answers (lib/fediverse/lane.ts).
// It also gives each request an id and a JSON log line (lib/server/log.ts), and stops gracefully.
//
//   sh scripts/serve.sh [--hostname 127.0.0.1] [--port 3000]   (npm start: node's flags and allocator there)
//   tsx server.ts --dev                                          (npm run dev)
//
// In production it runs in node itself, compiled by `npm run build` (esbuild, its packages left to
// node_modules): tsx as a loader kept a second V8 isolate of 17 MB for the process's life, and the
// tsx command runs a child process and SIGKILLs it when it does not acknowledge a signal within
// 30 ms, which a busy server cannot promise (a killed server drops the requests it was answering).
import { createServer, type ServerResponse } from "node:http";
import { isIPv6 } from "node:net";
import { parseArgs } from "node:util";
import nextEnv from "@next/env";
import { stampRequest } from "./lib/server/client-address";
import { cookieSecret, fixSettings, settings } from "./lib/settings";
import { closeAll, isDraining, startDraining } from "./lib/server/lifecycle";
import {
  consoleToLog,
  loggedPath,
  logger,
  newRequestId,
  REQUEST_ID_HEADER,
  requestIdOf,
  scrubbedError,
  withRequest,
} from "./lib/server/log";
import { isTemplateSecret, TEMPLATE_HEADER } from "./lib/server/page-cache";
import { answerFromPageCache } from "./lib/server/page-cache-http";
import { answerPost } from "./lib/server/post-lane";
import { answerFediverse } from "./lib/fediverse/lane";
import { importConfigNatively, serverOrigin, setServerOrigin } from "./lib/server/next-internals";
import { HEALTH_PATH, READY_PATH } from "./lib/routes";

const { values } = parseArgs({
  options: {
    dev: { type: "boolean", default: false },
    hostname: { type: "string", short: "H" },
    port: { type: "string", short: "p" },
  },
});
const dev = values.dev;
// Set before Next.js (and React, which picks its build by it) is loaded, as `next start` does.
Object.assign(process.env, { NODE_ENV: dev ? "development" : "production" });
nextEnv.loadEnvConfig(process.cwd(), dev);

/** The settings, checked now: a bad one stops the start with its name, not the first request that reads it. */
function checkedSettings() {
  try {
    cookieSecret();
    return settings();
  } catch (error) {
    console.error(`Cannot start: ${(error as Error).message}`);
    process.exit(1);
  }
}
const { TRUST_PROXY: trust, SHUTDOWN_TIMEOUT_SECONDS } = checkedSettings();
// In production every line on stdout is JSON, Next.js's own included; development keeps its console.
const log = logger();
if (!dev) consoleToLog();
// A production server's environment stays as it started: settings() stops reading it (lib/settings.ts).
if (!dev) fixSettings();

const port = Number(values.port ?? process.env.PORT ?? 3000);
const hostname = values.hostname;
// Where the site asks for its own pages (proxy.ts's page cache, Next's server actions); `next start`
// sets it once listening.
const local =
  !hostname || hostname === "0.0.0.0" || hostname === "::"
    ? "localhost"
    : isIPv6(hostname)
      ? `[${hostname}]`
      : hostname;
setServerOrigin(`http://${local}:${port}`);

// Next.js reads next.config.ts without loading its compiler (production only: development uses it anyway).
if (!dev) importConfigNatively();
const { default: next } = await import("next");
const server = createServer();
// An idle kept-alive connection is closed by the client or the proxy in front, not by us: a close
// from this side races the next request sent on it, which then fails with ECONNRESET (a browser
// sends it again; Node's clients, scripts and tests, do not). nginx closes its idle ones after 4 s
// (docs/deploy.md); headers must still arrive within their own timeout.
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;
const app = next({ dev, hostname, port, httpServer: server });
const handle = app.getRequestHandler();
await app.prepare();

// Requests being answered, to finish before the process stops.
const underWay = new Set<ServerResponse>();

server.on("request", (request, response) => {
  const started = performance.now();
  // The client's address, and X-Forwarded-* dropped unless a trusted proxy wrote them.
  stampRequest(request, trust);
  // The id the proxy in front gave the request (nginx's $request_id), when it is well formed, else
  // a new one; the app reads it from the header. A page cache template render carries the cache's
  // placeholder there (filled in per answer), and is logged under an id of its own.
  const template = isTemplateSecret(request.headers[TEMPLATE_HEADER]);
  const id = template ? newRequestId() : requestIdOf(request.headers[REQUEST_ID_HEADER]);
  if (!template) request.headers[REQUEST_ID_HEADER] = id;
  response.setHeader(REQUEST_ID_HEADER, id);
  // While stopping, no connection is kept open after its answer.
  if (isDraining()) response.setHeader("connection", "close");
  underWay.add(response);
  const path = loggedPath(request.url);
  response.once("close", () => {
    underWay.delete(response);
    if (isDraining()) setImmediate(() => server.closeIdleConnections());
    // Health checks are polled every second or so: they would drown the log. Development's
    // console is Next.js's own.
    if (dev || path === HEALTH_PATH || path === READY_PATH) return;
    log.info(
      {
        requestId: id,
        method: request.method,
        path,
        status: response.statusCode,
        ms: Math.round((performance.now() - started) * 10) / 10,
        ...(template ? { template: true } : {}),
        // The client left before the answer was complete.
        ...(response.writableFinished ? {} : { aborted: true }),
      },
      "request",
    );
  });
  // A page the cache keeps and a new comment are answered here; anything else, and whatever fails
  // here, by Next.js (a post's body replayed when the lane read it). Development's are all
  // Next.js's, so that a change to the code shows at once.
  const answer = async () => {
    // The fediverse's requests (FEDIVERSE=on) go to Fedify before the page cache: an article asked
    // for as ActivityStreams is not its HTML page (lib/fediverse/lane.ts).
    if (await answerFediverse(request, response)) return;
    if (await answerFromPageCache(request, response, id)) return;
    const rest = dev ? request : await answerPost(request, response);
    if (rest) await handle(rest, response);
  };
  withRequest({ id }, answer).catch((error: unknown) => {
    log.error({ err: scrubbedError(error), requestId: id, path }, "request failed");
    if (!response.headersSent) response.statusCode = 500;
    response.end();
  });
});
server.once("error", (error) => {
  console.error(`Cannot start: ${error.message}`);
  process.exit(1);
});
server.listen(port, hostname, () =>
  log.info(
    { url: serverOrigin(), mode: dev ? "development" : "production" },
    `Marginalia ${dev ? "(development) " : ""}ready on ${serverOrigin()}`,
  ),
);

/**
 * SIGTERM (systemd's stop, a rolling restart) or SIGINT: stop taking connections, let the requests
 * under way finish (a comment being stored) for up to SHUTDOWN_TIMEOUT_SECONDS, closing each
 * connection after its answer and the idle ones at once, then close the database connections and
 * exit 0; 1 if requests had to be cut. A second signal changes nothing (npm and systemd may both
 * send one); /readyz answers 503 meanwhile, for a proxy that asks.
 */
async function shutdown(signal: NodeJS.Signals): Promise<void> {
  if (isDraining()) return;
  startDraining();
  const boundMs = SHUTDOWN_TIMEOUT_SECONDS * 1000;
  log.info({ signal, underWay: underWay.size, boundMs }, "stopping: finishing the requests under way");
  for (const response of underWay) if (!response.headersSent) response.setHeader("connection", "close");
  const drained = new Promise<boolean>((resolve) => server.close(() => resolve(true)));
  server.closeIdleConnections();
  let timer: NodeJS.Timeout | undefined;
  const cut = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), boundMs)));
  const clean = await Promise.race([drained, cut]);
  clearTimeout(timer);
  if (!clean) {
    log.warn({ cut: underWay.size }, `stopping: ${underWay.size} request(s) still under way after ${boundMs} ms, cut`);
    server.closeAllConnections();
  }
  // What the app opened (database clients, the cache channel, the outbox sender), then Next.js.
  const failed = await closeAll(5_000);
  await Promise.race([app.close(), new Promise((resolve) => setTimeout(resolve, 5_000).unref())]).catch(() => {});
  if (failed.length) log.warn({ failed }, `stopping: could not close ${failed.join(", ")}`);
  log.info({ clean: clean && failed.length === 0 }, "stopped");
  process.exit(clean && failed.length === 0 ? 0 : 1);
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    // Development's hot reload keeps connections open for ever, and nothing there needs draining.
    if (dev) process.exit(0);
    void shutdown(signal);
  });
}
