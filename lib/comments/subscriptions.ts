import "server-only";
import { randomBytes, randomUUID } from "node:crypto";
import type { Db } from "../server/db";
import { enqueue, type Tx } from "../server/outbox";
import { settings } from "../settings";
import { sign, unsign } from "../server/signing";
import { absoluteUrl } from "../site";
import type { SubscriptionKind } from "./validation";

// Readers' addresses and what they follow. An address gets one confirmation mail and nothing else
// until its link is clicked; it then stays confirmed. Unsubscribing from everything deletes it
// (and, by cascade, its subscriptions and queued mails).

/** Signed one-time link tokens, kept in MailToken so a second use is refused. */
export type TokenPurpose = "confirm" | "approve" | "hide" | "delete";

export async function issueMailToken(
  tx: Tx,
  purpose: TokenPurpose,
  subject: string,
  now = new Date(),
): Promise<string> {
  const id = randomBytes(18).toString("base64url");
  const expiresAt = new Date(now.getTime() + settings().MAIL_LINK_HOURS * 3_600_000);
  await tx.mailToken.create({ data: { id, purpose, subject, expiresAt, createdAt: now } });
  return sign(`${purpose}:${id}`);
}

export type TokenCheck =
  | { kind: "ok"; id: string; purpose: TokenPurpose; subject: string }
  | { kind: "invalid" }
  | { kind: "expired" }
  | { kind: "used" };

/** What a link's token says, without using it (the page that asks "Confirm?" reads it first). */
export async function readMailToken(db: Db, token: string | null | undefined, now = new Date()): Promise<TokenCheck> {
  const value = unsign(token);
  const [purpose, id] = value?.split(":") ?? [];
  if (!purpose || !id) return { kind: "invalid" };
  const row = await db.mailToken.findUnique({ where: { id } });
  if (!row || row.purpose !== purpose) return { kind: "invalid" };
  if (row.usedAt) return { kind: "used" };
  if (row.expiresAt <= now) return { kind: "expired" };
  return { kind: "ok", id, purpose: purpose as TokenPurpose, subject: row.subject };
}

/** Uses a token once: of two clicks racing, one wins and the other is told it was used. */
export async function redeemMailToken(db: Db, token: string | null | undefined, now = new Date()): Promise<TokenCheck> {
  const check = await readMailToken(db, token, now);
  if (check.kind !== "ok") return check;
  const { count } = await db.mailToken.updateMany({ where: { id: check.id, usedAt: null }, data: { usedAt: now } });
  return count === 1 ? check : { kind: "used" };
}

/**
 * Records that `email` wants `kind`/`target`. A new or unconfirmed address is sent a confirmation
 * mail (at most one per link lifetime, so posting again does not mail-bomb an address someone
 * else typed). Returns whether the address is already confirmed.
 */
export async function subscribe(
  tx: Tx,
  input: { email: string; kind: SubscriptionKind; target: string; browserId?: string | null },
  now = new Date(),
): Promise<{ confirmed: boolean; subscriberId: string }> {
  const subscriber = await tx.subscriber.upsert({
    where: { email: input.email },
    create: { id: randomUUID(), email: input.email, browserId: input.browserId ?? null, createdAt: now },
    update: {},
  });
  await tx.subscription.upsert({
    where: { subscriberId_kind_target: { subscriberId: subscriber.id, kind: input.kind, target: input.target } },
    create: { id: randomUUID(), subscriberId: subscriber.id, kind: input.kind, target: input.target, createdAt: now },
    update: {},
  });
  if (subscriber.confirmedAt) return { confirmed: true, subscriberId: subscriber.id };
  const resendAfter = settings().MAIL_LINK_HOURS * 3_600_000;
  if (!subscriber.confirmSentAt || now.getTime() - subscriber.confirmSentAt.getTime() > resendAfter) {
    const token = await issueMailToken(tx, "confirm", subscriber.id, now);
    await tx.subscriber.update({ where: { id: subscriber.id }, data: { confirmSentAt: now } });
    await enqueue(
      tx,
      {
        kind: "confirm",
        subscriberId: subscriber.id,
        payload: { link: linkTo("/email/confirm", token), what: input.kind },
      },
      now,
    );
  }
  return { confirmed: false, subscriberId: subscriber.id };
}

export const linkTo = (path: string, token: string) => absoluteUrl(`${path}?t=${encodeURIComponent(token)}`);

/** Confirms the address a confirmation link was sent to. */
export async function confirmAddress(db: Db, token: string, now = new Date()): Promise<TokenCheck["kind"]> {
  const used = await redeemMailToken(db, token, now);
  if (used.kind !== "ok") return used.kind;
  if (used.purpose !== "confirm") return "invalid";
  const { count } = await db.subscriber.updateMany({
    where: { id: used.subject, confirmedAt: null },
    data: { confirmedAt: now },
  });
  // Already confirmed (by another link) is fine; a deleted address is not.
  if (count === 0 && !(await db.subscriber.findUnique({ where: { id: used.subject }, select: { id: true } })))
    return "invalid";
  return "ok";
}

// Unsubscribe links never expire (a mail may be read months later) and are not single-use (a
// second click finds nothing to remove and says so). They are signed, so nobody can forge one.
export const unsubscribeToken = (subscriptionId: string) => sign(`unsub:${subscriptionId}`);
export const unsubscribeAllToken = (subscriberId: string) => sign(`unsub-all:${subscriberId}`);

export type UnsubscribeTarget = { kind: "one"; id: string } | { kind: "all"; id: string };

export function readUnsubscribeToken(token: string | null | undefined): UnsubscribeTarget | null {
  const value = unsign(token);
  if (value?.startsWith("unsub:")) return { kind: "one", id: value.slice("unsub:".length) };
  if (value?.startsWith("unsub-all:")) return { kind: "all", id: value.slice("unsub-all:".length) };
  return null;
}

/** Stops one subscription, or deletes the address and everything it follows. Idempotent. */
export async function unsubscribe(db: Db, target: UnsubscribeTarget): Promise<"done" | "already"> {
  if (target.kind === "all") {
    const { count } = await db.subscriber.deleteMany({ where: { id: target.id } });
    // Queued mails to the address go with it (their rows name the subscriber).
    await db.outboxMessage.deleteMany({ where: { subscriberId: target.id, status: { in: ["queued", "merged"] } } });
    return count ? "done" : "already";
  }
  const { count } = await db.subscription.deleteMany({ where: { id: target.id } });
  return count ? "done" : "already";
}

/** What an unsubscribe page says it will stop. */
export async function describeUnsubscribe(db: Db, target: UnsubscribeTarget): Promise<string | null> {
  if (target.kind === "all") {
    return (await db.subscriber.findUnique({ where: { id: target.id }, select: { id: true } }))
      ? "every mail from this site"
      : null;
  }
  const row = await db.subscription.findUnique({ where: { id: target.id }, select: { kind: true } });
  if (!row) return null;
  return row.kind === "replies"
    ? "mails about replies to your comment"
    : row.kind === "discussion"
      ? "mails about this discussion"
      : "mails about new articles";
}
