import "server-only";
import { createHash } from "node:crypto";
import { cookies } from "next/headers";
import { cookieOptions } from "./cookies";
import { check, record, reset } from "../comments/rate-limit";
import { settings } from "../settings";
import { safeEqual, sign, unsign } from "./signing";

const SESSION = "mg_admin";
const SESSION_HOURS = 8;
/** At most 10 failed logins per address per 15 minutes. */
export const LOGIN_WINDOW = { limit: 10, seconds: 15 * 60 };
/**
 * At most 100 failed logins per 15 minutes from all addresses together: the address comes from
 * X-Forwarded-For, which a client reaching `next start` directly can make up, so the per-address
 * lock alone would not stop a guesser who changes it on every try.
 */
export const LOGIN_WINDOW_ALL = { limit: 100, seconds: 15 * 60 };
const ALL_ADDRESSES = "login:*";

/** Sessions name the password they were opened with, so changing it signs everybody out. */
const passwordTag = (password: string) => createHash("sha256").update(password).digest("base64url").slice(0, 16);

export function adminEnabled(): boolean {
  return Boolean(settings().ADMIN_PASSWORD);
}

export type LoginResult = { kind: "ok" } | { kind: "wrong" } | { kind: "locked"; retryAfterSeconds: number } | { kind: "disabled" };

/** Checks a login attempt from `ip`; failures count towards the lock-out, a success clears them. */
export async function attemptLogin(password: string, ip: string): Promise<LoginResult> {
  const expected = settings().ADMIN_PASSWORD;
  if (!expected) return { kind: "disabled" };
  const key = `login:${ip}`;
  for (const [counted, window] of [[key, LOGIN_WINDOW], [ALL_ADDRESSES, LOGIN_WINDOW_ALL]] as const) {
    const allowed = await check(counted, [window]);
    if (!allowed.ok) return { kind: "locked", retryAfterSeconds: allowed.retryAfterSeconds };
  }
  if (!safeEqual(password, expected)) {
    await record(key, [LOGIN_WINDOW]);
    await record(ALL_ADDRESSES, [LOGIN_WINDOW_ALL]);
    return { kind: "wrong" };
  }
  await reset(key);
  const session = `admin.${Date.now() + SESSION_HOURS * 3_600_000}.${passwordTag(expected)}`;
  (await cookies()).set(SESSION, sign(session), await cookieOptions(SESSION_HOURS * 3600));
  return { kind: "ok" };
}

export async function isAdmin(): Promise<boolean> {
  const password = settings().ADMIN_PASSWORD;
  if (!password) return false;
  const [who, expires, tag] = unsign((await cookies()).get(SESSION)?.value)?.split(".") ?? [];
  return who === "admin" && Number(expires) > Date.now() && tag === passwordTag(password);
}

export async function endSession(): Promise<void> {
  (await cookies()).delete(SESSION);
}
