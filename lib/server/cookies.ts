import "server-only";
import { headers } from "next/headers";

export type CookieOptions = { httpOnly: true; sameSite: "lax"; secure: boolean; path: "/"; maxAge: number };

/**
 * Options for every cookie the site sets: unreadable by scripts, not sent on cross-site POSTs,
 * and Secure when the page was served over HTTPS (directly or behind a proxy that says so; server.ts
 * drops X-Forwarded-Proto from anyone TRUST_PROXY does not name).
 */
export function cookieOptionsFor(requestHeaders: Headers, maxAgeSeconds: number): CookieOptions {
  const proto = requestHeaders.get("x-forwarded-proto")?.split(",")[0]?.trim();
  return { httpOnly: true, sameSite: "lax", secure: proto === "https", path: "/", maxAge: maxAgeSeconds };
}

/** cookieOptionsFor() this request's headers. */
export async function cookieOptions(maxAgeSeconds: number): Promise<CookieOptions> {
  return cookieOptionsFor(await headers(), maxAgeSeconds);
}
