import "server-only";
import { randomUUID } from "node:crypto";
import { cookies } from "next/headers";
import { cookieOptions, type CookieOptions } from "../server/cookies";
import { sign, unsign } from "../server/signing";
import type { Viewer } from "./store";

// What the server remembers about a reader without an account, all in cookies it signed:
// a random browser id (for 👍 and duplicate detection), the ids of the comments this browser
// posted (to edit or delete them, and to show them while they await moderation), and the name
// last used (to fill in the form).

const BROWSER = "mg_browser";
const OWN = "mg_comments";
const NAME = "mg_name";
const OWN_KEPT = 30;
export const READER_COOKIE_SECONDS = 60 * 60 * 24 * 365;

/** The request's cookies (next/headers' jar, or a NextRequest's in proxy.ts). */
export type CookiesIn = { get(name: string): { value: string } | undefined };
/** Where cookies are set (next/headers' jar, or a NextResponse's). */
export type CookiesOut = { set(name: string, value: string, options: CookieOptions): unknown };

export function viewerFrom(jar: CookiesIn): Viewer & { browserId: string | null } {
  const browserId = unsign(jar.get(BROWSER)?.value);
  const own = unsign(jar.get(OWN)?.value);
  return { ownIds: new Set(own ? own.split("~") : []), voterId: browserId, browserId };
}

export async function readViewer(): Promise<Viewer & { browserId: string | null }> {
  return viewerFrom(await cookies());
}

export async function rememberedName(): Promise<string> {
  return nameFrom(await cookies());
}

/** The name this browser last posted under, for the comment form. */
export function nameFrom(jar: CookiesIn): string {
  const value = jar.get(NAME)?.value ?? "";
  try {
    return decodeURIComponent(value).slice(0, 80);
  } catch {
    return ""; // a cookie this server did not write
  }
}

/** The browser's id from `jar`, or a new one set in `out`. */
export function browserIdFrom(jar: CookiesIn, out: CookiesOut, options: CookieOptions): string {
  const existing = viewerFrom(jar).browserId;
  if (existing) return existing;
  const id = randomUUID();
  out.set(BROWSER, sign(id), options);
  return id;
}

/** The browser's id, set now if it has none. Only in server actions and route handlers. */
export async function ensureBrowserId(): Promise<string> {
  const jar = await cookies();
  return browserIdFrom(jar, jar, await cookieOptions(READER_COOKIE_SECONDS));
}

/** Records in `out` that this browser (its cookies in `jar`) wrote the comment, and the name it used. */
export function rememberCommentIn(jar: CookiesIn, out: CookiesOut, id: string, name: string, options: CookieOptions) {
  const ids = [...new Set([...viewerFrom(jar).ownIds, id])].slice(-OWN_KEPT);
  out.set(OWN, sign(ids.join("~")), options);
  out.set(NAME, encodeURIComponent(name), options);
}

/** Records that this browser wrote the comment, and the name it used. */
export async function rememberComment(id: string, name: string): Promise<void> {
  const jar = await cookies();
  rememberCommentIn(jar, jar, id, name, await cookieOptions(READER_COOKIE_SECONDS));
}
