import "server-only";
import { createHash, createHmac } from "node:crypto";
import type { Db } from "../server/db";
import { cookieSecret, settings } from "../settings";
import { safeEqual } from "../server/signing";

// The Reply-To of a mail one may answer by replying (lib/mail-in/ receives it):
// reply+<id>-<signature>@MAIL_REPLY_DOMAIN. The id names a MailToken row (purpose "reply") saying
// which comment the reply answers and who may send it (a reader's subscription, or the author),
// for 30 days; the signature, an HMAC of the id, lets the listener refuse an altered or made-up
// address during the SMTP dialogue without a query. Lower-case hex only, since some relays fold
// case, and short enough for a local part (at most 64 characters).

/** Who is speaking when a reply arrives at the address: the token decides, never the From header. */
export type ReplyRecipient = { kind: "author" } | { kind: "reader"; subscriberId: string; name: string };
export type ReplyToken = { id: string; commentId: string; recipient: ReplyRecipient };

const DAYS = 30;
const PURPOSE = "reply";
const signature = (id: string) => createHmac("sha256", cookieSecret()).update(`reply:${id}`).digest("hex").slice(0, 20);

/**
 * The Reply-To address answering `commentId` as `recipient`, or null when replies by mail are off.
 * The same mail (its Message-ID) always gets the same address, so a resend after a crash writes
 * no second token.
 */
export async function replyAddress(
  db: Pick<Db, "mailToken">,
  commentId: string,
  recipient: ReplyRecipient,
  messageId: string,
  now = new Date(),
): Promise<string | null> {
  const domain = settings().MAIL_REPLY_DOMAIN;
  if (!domain) return null;
  const id = createHash("sha256").update(`${messageId}\n${commentId}`).digest("hex").slice(0, 20);
  const subject = JSON.stringify({ commentId, recipient });
  const expiresAt = new Date(now.getTime() + DAYS * 24 * 3_600_000);
  await db.mailToken.upsert({
    where: { id },
    create: { id, purpose: PURPOSE, subject, expiresAt, createdAt: now },
    update: {},
  });
  return `reply+${id}-${signature(id)}@${domain}`;
}

/** The token id of an address this site wrote (checked by its signature alone), or null. */
export function replyTokenId(address: string): string | null {
  const match = /^reply\+([0-9a-f]{20})-([0-9a-f]{20})@(.+)$/i.exec(address.trim());
  const domain = settings().MAIL_REPLY_DOMAIN;
  if (!match || !domain || match[3].toLowerCase() !== domain.toLowerCase()) return null;
  const id = match[1].toLowerCase();
  return safeEqual(match[2].toLowerCase(), signature(id)) ? id : null;
}

export type ReplyTokenCheck = { kind: "ok"; token: ReplyToken } | { kind: "invalid" } | { kind: "expired" };

/** What the address says: the comment answered and who speaks, while its 30 days last. */
export async function readReplyToken(
  db: Pick<Db, "mailToken">,
  address: string,
  now = new Date(),
): Promise<ReplyTokenCheck> {
  const id = replyTokenId(address);
  if (!id) return { kind: "invalid" };
  const row = await db.mailToken.findUnique({ where: { id } });
  if (!row || row.purpose !== PURPOSE) return { kind: "invalid" };
  if (row.expiresAt <= now) return { kind: "expired" };
  const { commentId, recipient } = JSON.parse(row.subject) as Omit<ReplyToken, "id">;
  return { kind: "ok", token: { id, commentId, recipient } };
}
