import { randomBytes } from "node:crypto";
import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import { safeEqual } from "./signing";
import { processWide } from "../process-wide";
import { clientAddress, trustsPeer, type TrustProxy } from "../trust-proxy";

// Next.js does not tell route handlers or server actions which address a request came from, so
// server.ts works it out from the connection (and TRUST_PROXY) and writes it into this header for
// clientIp() to read. The value starts with a secret server.ts made for this process: a client's own
// value of the header is replaced there, and under plain `next start` (no server.ts, no secret) it
// is never believed. The secret is the process's (process-wide.ts): Next.js bundles the app's copy
// of this module apart from the one server.ts loads.
export const CLIENT_ADDRESS_HEADER = "x-marginalia-client-address";
const shared = processWide<{ secret?: string }>("client-address", () => ({}));

/** For server.ts: replaces whatever the client sent in the header with the address it resolved. */
export function stampClientAddress(headers: IncomingHttpHeaders, address: string): void {
  shared.secret ??= randomBytes(32).toString("base64url");
  headers[CLIENT_ADDRESS_HEADER] = `${shared.secret} ${address}`;
}

/**
 * For server.ts, first thing for every request: the client's address (the TCP peer, or what the
 * trusted proxies reported) stamped on it. From anyone but a trusted proxy, X-Forwarded-* say
 * nothing true, so they are dropped: Next.js then fills them in from the connection itself (the
 * Secure cookie flag and proxy.ts read them).
 */
export function stampRequest(request: IncomingMessage, trust: TrustProxy): void {
  const peer = request.socket.remoteAddress ?? "unknown";
  if (!trustsPeer(peer, trust)) {
    for (const name of Object.keys(request.headers)) if (name.startsWith("x-forwarded-")) delete request.headers[name];
  }
  stampClientAddress(request.headers, clientAddress(peer, String(request.headers["x-forwarded-for"] ?? ""), trust));
}

/** The address server.ts stamped on this request, or null (started without server.ts). */
export function stampedClientAddress(headers: Headers): string | null {
  const secret = shared.secret;
  const value = headers.get(CLIENT_ADDRESS_HEADER) ?? "";
  const space = value.indexOf(" ");
  if (!secret || space < 0 || !safeEqual(value.slice(0, space), secret)) return null;
  return value.slice(space + 1) || null;
}
