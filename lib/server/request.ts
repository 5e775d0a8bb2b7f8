import "server-only";
import { headers } from "next/headers";

/**
 * The client's address for rate limits and lock-outs: the last X-Forwarded-For entry, the one
 * added by the nearest proxy (`next start` fills the header from the socket when no proxy set it).
 * Behind a proxy, make it append the client address (nginx: $proxy_add_x_forwarded_for).
 */
export async function clientIp(): Promise<string> {
  const forwarded = (await headers()).get("x-forwarded-for") ?? "";
  const last = forwarded.split(",").at(-1)?.trim();
  return last || "unknown";
}
