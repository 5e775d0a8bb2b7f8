import { randomBytes } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { safeEqual } from "./signing";
import { processWide } from "../process-wide";

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

/** The address server.ts stamped on this request, or null (started without server.ts). */
export function stampedClientAddress(headers: Headers): string | null {
  const secret = shared.secret;
  const value = headers.get(CLIENT_ADDRESS_HEADER) ?? "";
  const space = value.indexOf(" ");
  if (!secret || space < 0 || !safeEqual(value.slice(0, space), secret)) return null;
  return value.slice(space + 1) || null;
}
