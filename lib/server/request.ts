import "server-only";
import { headers } from "next/headers";
import { stampedClientAddress } from "./client-address";

let warned = false;

/**
 * The client's address for rate limits and lock-outs: the connection's peer, or what the
 * operator's own proxies reported (TRUST_PROXY), as server.ts resolved it. Started without
 * server.ts, the address is unknown and every client shares the one "unknown": the limits stay on
 * for all of them together rather than believe a header any client can write.
 */
export async function clientIp(): Promise<string> {
  const address = stampedClientAddress(await headers());
  if (address) return address;
  if (!warned) {
    warned = true;
    console.warn(
      "Client addresses are unknown (the site was not started with server.ts: use npm start): every reader shares one rate limit.",
    );
  }
  return "unknown";
}
