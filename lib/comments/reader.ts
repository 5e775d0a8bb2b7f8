import "server-only";
import { randomUUID } from "node:crypto";
import { cookies } from "next/headers";
import { cookieOptions } from "../server/cookies";
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
const YEAR = 60 * 60 * 24 * 365;

export async function readViewer(): Promise<Viewer & { browserId: string | null }> {
  const jar = await cookies();
  const browserId = unsign(jar.get(BROWSER)?.value);
  const own = unsign(jar.get(OWN)?.value);
  return { ownIds: new Set(own ? own.split("~") : []), voterId: browserId, browserId };
}

export async function rememberedName(): Promise<string> {
  const value = (await cookies()).get(NAME)?.value ?? "";
  try {
    return decodeURIComponent(value).slice(0, 80);
  } catch {
    return ""; // a cookie this server did not write
  }
}

/** The browser's id, set now if it has none. Only in server actions and route handlers. */
export async function ensureBrowserId(): Promise<string> {
  const existing = (await readViewer()).browserId;
  if (existing) return existing;
  const id = randomUUID();
  (await cookies()).set(BROWSER, sign(id), await cookieOptions(YEAR));
  return id;
}

/** Records that this browser wrote the comment, and the name it used. */
export async function rememberComment(id: string, name: string): Promise<void> {
  const { ownIds } = await readViewer();
  const ids = [...new Set([...ownIds, id])].slice(-OWN_KEPT);
  const jar = await cookies();
  jar.set(OWN, sign(ids.join("~")), await cookieOptions(YEAR));
  jar.set(NAME, encodeURIComponent(name), await cookieOptions(YEAR));
}
