// `npm start` and `npm run dev`: Next.js behind a node:http server of our own, which does what
// `next start` cannot: tell the app which address each request came from. Rate limits and the
// admin's lock-out count per address, and any client can write X-Forwarded-For; so the address is
// the connection's peer, unless TRUST_PROXY names the proxies whose forwarded headers to believe.
//
//   tsx server.ts [--dev] [--hostname 127.0.0.1] [--port 3000]
import { createServer } from "node:http";
import { isIPv6 } from "node:net";
import { parseArgs } from "node:util";
import nextEnv from "@next/env";
import { stampClientAddress } from "./lib/server/client-address";
import { cookieSecret, settings } from "./lib/settings";
import { clientAddress, trustsPeer } from "./lib/server/trust-proxy";

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
const trust = checkedSettings().TRUST_PROXY;

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
process.env.__NEXT_PRIVATE_ORIGIN = `http://${local}:${port}`;

const { default: next } = await import("next");
const server = createServer();
const app = next({ dev, hostname, port, httpServer: server });
const handle = app.getRequestHandler();
await app.prepare();

server.on("request", (request, response) => {
  const peer = request.socket.remoteAddress ?? "unknown";
  // From anyone but a trusted proxy, X-Forwarded-* say nothing true: Next.js then fills them in
  // from the connection itself (the Secure cookie flag and proxy.ts read them).
  if (!trustsPeer(peer, trust)) {
    for (const name of Object.keys(request.headers)) if (name.startsWith("x-forwarded-")) delete request.headers[name];
  }
  stampClientAddress(request.headers, clientAddress(peer, String(request.headers["x-forwarded-for"] ?? ""), trust));
  handle(request, response).catch((error: unknown) => {
    console.error(`Failed to handle ${request.method} ${request.url}`, error);
    if (!response.headersSent) response.statusCode = 500;
    response.end();
  });
});
server.once("error", (error) => {
  console.error(`Cannot start: ${error.message}`);
  process.exit(1);
});
server.listen(port, hostname, () =>
  console.log(`Marginalia ${dev ? "(development) " : ""}ready on ${process.env.__NEXT_PRIVATE_ORIGIN}`),
);

// Finish the requests under way (a comment being stored) before leaving, as `next start` does, but
// not for ever: a client may keep a connection open (development's hot reload always does).
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    if (dev) process.exit(0);
    server.close(() => void app.close().finally(() => process.exit(0)));
    setTimeout(() => process.exit(0), 10_000);
  });
}
