import "server-only";
import { headers } from "next/headers";

/**
 * Options for every cookie the site sets: unreadable by scripts, not sent on cross-site POSTs,
 * and Secure when the page was served over HTTPS (directly or behind a proxy that says so; server.ts
 * drops X-Forwarded-Proto from anyone TRUST_PROXY does not name).
 */
export async function cookieOptions(maxAgeSeconds: number) {
  const proto = (await headers()).get("x-forwarded-proto")?.split(",")[0]?.trim();
  return { httpOnly: true, sameSite: "lax" as const, secure: proto === "https", path: "/", maxAge: maxAgeSeconds };
}
