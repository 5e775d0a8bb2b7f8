import "server-only";
import { createHmac, randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { cookies } from "next/headers";
import { cookieOptions } from "./cookies";
import { countHits, record, reserve, reset } from "./rate-limit";
import { settings, cookieSecret } from "../settings";
import { db as defaultDb, type Db } from "./db";
import { safeEqual, sign, unsign } from "./signing";
import { addressKey } from "./address-key";

const SESSION_COOKIE = "mg_admin";
const SESSION_HOURS = 8;
/** At most 10 failed logins per address per 15 minutes. */
export const LOGIN_WINDOW = { limit: 10, seconds: 15 * 60 };
/**
 * Failures from all addresses together lock nobody out (a guesser with many addresses would lock
 * the author out too): past SLOW_AFTER of them in the window, every attempt waits a little longer
 * before it is answered, at most MAX_LOGIN_DELAY_MS.
 */
const ALL_ADDRESSES = "login:*";
const SLOW_AFTER = 20;
const DELAY_PER_FAILURE_MS = 50;
export const MAX_LOGIN_DELAY_MS = 2_000;

export function loginDelayMs(failuresFromAllAddresses: number): number {
  return Math.min(MAX_LOGIN_DELAY_MS, Math.max(0, failuresFromAllAddresses - SLOW_AFTER) * DELAY_PER_FAILURE_MS);
}

/** Sessions name the password they were opened with (keyed, so the database never holds its plain hash). */
const passwordTag = (password: string) =>
  createHmac("sha256", cookieSecret()).update(`admin-password:${password}`).digest("base64url");

export function adminEnabled(): boolean {
  return Boolean(settings().ADMIN_PASSWORD);
}

export type LoginResult =
  /** `session` is the cookie's value: the new session's id, signed. */
  | { kind: "ok"; session: string }
  | { kind: "wrong" }
  | { kind: "locked"; retryAfterSeconds: number }
  | { kind: "disabled" };

/** Checks a login attempt from `ip`; failures count towards the lock-out, a success clears them and opens a session. */
export async function attemptLogin(
  password: string,
  ip: string,
  db: Db = defaultDb(),
  now = new Date(),
  wait: (ms: number) => Promise<unknown> = sleep,
): Promise<LoginResult> {
  const expected = settings().ADMIN_PASSWORD;
  if (!expected) return { kind: "disabled" };
  const key = `login:${addressKey(ip)}`;
  // Each attempt takes its place as a failure before the password is compared, so a burst of guesses
  // sent together cannot all pass the lock-out's count; the right password clears them.
  const allowed = await reserve(key, [LOGIN_WINDOW], db, now);
  if (!allowed.ok) return { kind: "locked", retryAfterSeconds: allowed.retryAfterSeconds };
  // Right and wrong passwords wait alike: a guesser must not learn "wrong" by the answer coming early.
  await wait(loginDelayMs(await countHits(ALL_ADDRESSES, LOGIN_WINDOW.seconds, db, now)));
  if (!safeEqual(password, expected)) {
    await record(ALL_ADDRESSES, [LOGIN_WINDOW], db, now);
    return { kind: "wrong" };
  }
  await reset(key, db);
  // Sessions that ran out go as new ones open: there are only ever a few rows.
  await db.adminSession.deleteMany({ where: { expiresAt: { lte: now } } });
  const id = randomBytes(32).toString("base64url");
  const expiresAt = new Date(now.getTime() + SESSION_HOURS * 3_600_000);
  await db.adminSession.create({ data: { id, passwordTag: passwordTag(expected), expiresAt, createdAt: now } });
  return { kind: "ok", session: sign(id) };
}

/** Whether a session cookie's value names a session still open, opened with the current password. */
export async function sessionActive(
  session: string | undefined,
  db: Db = defaultDb(),
  now = new Date(),
): Promise<boolean> {
  const password = settings().ADMIN_PASSWORD;
  const id = unsign(session);
  if (!password || !id) return false;
  const row = await db.adminSession.findUnique({ where: { id } });
  return row !== null && row.expiresAt > now && row.passwordTag === passwordTag(password);
}

/** Ends a session on the server: a copy of its cookie opens nothing any more. */
export async function revokeSession(session: string | undefined, db: Db = defaultDb()): Promise<void> {
  const id = unsign(session);
  if (id) await db.adminSession.deleteMany({ where: { id } });
}

export async function startSession(session: string): Promise<void> {
  (await cookies()).set(SESSION_COOKIE, session, await cookieOptions(SESSION_HOURS * 3600));
}

/** Whether the request carries an admin session cookie at all (checked against the database by isAdmin()). */
export function hasAdminCookie(jar: { get(name: string): unknown }): boolean {
  return jar.get(SESSION_COOKIE) !== undefined;
}

export async function isAdmin(): Promise<boolean> {
  return sessionActive((await cookies()).get(SESSION_COOKIE)?.value);
}

export async function endSession(): Promise<void> {
  const jar = await cookies();
  await revokeSession(jar.get(SESSION_COOKIE)?.value);
  jar.delete(SESSION_COOKIE);
}
