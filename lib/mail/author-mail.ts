import "server-only";
import type { Db } from "../server/db";
import { sign } from "../server/signing";
import { settings } from "../settings";
import { mailboxHash } from "./mailbox";

// The author's new-comment mails can be paused: their List-Unsubscribe means "pause these mails",
// which a mail provider's Unsubscribe button does in one click (RFC 8058). Pausing is all a link
// can do, and /admin switches them back on, so a forwarded mail or a provider's button costs the
// author nothing they cannot undo; the link names the address it was sent to, so an old mail
// cannot pause the mails of a new AUTHOR_EMAIL. Stored in the database (SiteSetting), so every
// instance reads the same switch.

const PAUSED_KEY = "author-mail-paused";

/** Whether the author asked (from a mail or /admin) to get no new-comment mails for now. */
export async function authorMailPaused(db: Pick<Db, "siteSetting">): Promise<boolean> {
  const row = await db.siteSetting.findUnique({ where: { key: PAUSED_KEY }, select: { value: true } });
  return row?.value === "1";
}

export async function setAuthorMailPaused(db: Pick<Db, "siteSetting">, paused: boolean, now = new Date()) {
  await db.siteSetting.upsert({
    where: { key: PAUSED_KEY },
    create: { key: PAUSED_KEY, value: paused ? "1" : "0", updatedAt: now },
    update: { value: paused ? "1" : "0", updatedAt: now },
  });
}

/** The token of an author mail's List-Unsubscribe: pauses the mails to this address. */
export const pauseAuthorMailToken = (email: string) => sign(`author-pause:${mailboxHash(email)}`);

/**
 * Pauses the author's mails when the link was sent to the address they go to now. "already" for
 * an address that is no longer AUTHOR_EMAIL (nothing of it to stop) or mails already paused.
 */
export async function pauseAuthorMail(db: Db, addressHash: string): Promise<"done" | "already"> {
  const to = settings().AUTHOR_EMAIL;
  if (!to || mailboxHash(to) !== addressHash || (await authorMailPaused(db))) return "already";
  await setAuthorMailPaused(db, true);
  return "done";
}
