import "server-only";
import { randomBytes, randomUUID } from "node:crypto";
import type { Db } from "../server/db";
import { consume, type Window } from "../server/rate-limit";
import { enqueue, type Tx } from "./outbox";
import { settings } from "../settings";
import { t, type MessageKey } from "../i18n";
import { sign, unsign } from "../server/signing";
import { absoluteUrl } from "../site";
import { addressKey } from "../server/address-key";
import { clientIp } from "../server/request";
import type { SubscriptionKind } from "./schema";
import { authorMailPaused, pauseAuthorMail } from "./author-mail";
import { mailboxHash, mailboxKey } from "./mailbox";

// Readers' addresses and what they follow. An address gets one confirmation mail and nothing else
// until its link is clicked; it then stays confirmed. Unsubscribing from everything deletes it
// (and, by cascade, its subscriptions and queued mails). "Never mail me again", in every
// confirmation, blocks its mailbox (every +tag spelling of it) for good.

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

// A mailbox whose owner followed "Never mail me again" is a row of the Block table under this kind
// (value: its hash), which the moderation's bans and blocklists leave out (lib/comments/moderation.ts).
export const MAILBOX_BLOCK_KIND = "mailbox";

/** Whether the owner of `email`'s mailbox asked never to be mailed again (any spelling of it). */
export async function mailboxBlocked(db: Pick<Db, "block">, email: string): Promise<boolean> {
  const row = await db.block.findUnique({
    where: { kind_value: { kind: MAILBOX_BLOCK_KIND, value: mailboxHash(email) } },
    select: { id: true },
  });
  return row !== null;
}

// At most 3 confirmation mails a day to one mailbox, however its address is spelled and whoever
// asks: sub-addresses and many client addresses must not turn the forms into a mail cannon.
const CONFIRMATIONS_PER_MAILBOX: Window[] = [{ limit: 3, seconds: 24 * 60 * 60 }];
const confirmationKey = (email: string) => `confirm-to:${mailboxHash(email)}`;

/**
 * What became of the confirmation a subscription asks for: `queued` (a mail is on its way),
 * `confirmed` (none needed), `recently-sent` (one went to this address or its mailbox not long ago:
 * no other for now), `blocked` (the mailbox asked never to be mailed).
 */
export type Confirmation = "queued" | "confirmed" | "recently-sent" | "blocked";

// Said alike whether the address is confirmed already or new, so the forms do not tell who uses it.
const CONFIRMATION_MESSAGES = {
  queued: "follow.checkMail",
  confirmed: "follow.checkMail",
  "recently-sent": "follow.recentlySent",
  blocked: "follow.blocked",
} as const satisfies Record<Confirmation, MessageKey>;

/** What a reader is told of the confirmation their sign-up asked for, in the site's language. */
export const confirmationMessage = (confirmation: Confirmation) => t(CONFIRMATION_MESSAGES[confirmation]);

/**
 * Records that `email` wants `kind`/`target`. A new or unconfirmed address is sent a confirmation
 * mail: at most one per link lifetime to one address, and at most CONFIRMATIONS_PER_MAILBOX to
 * its mailbox (so posting again does not mail-bomb an address someone else typed). The mailbox's
 * place is taken in the caller's transaction: on PostgreSQL its lock is held until that commits,
 * so requests racing for one mailbox are counted one after the other. A blocked mailbox is not
 * recorded at all.
 */
export async function subscribe(
  tx: Tx,
  input: { email: string; kind: SubscriptionKind; target: string; browserId?: string | null },
  now = new Date(),
): Promise<{ confirmed: boolean; confirmation: Confirmation; subscriberId: string | null }> {
  if (await mailboxBlocked(tx, input.email)) return { confirmed: false, confirmation: "blocked", subscriberId: null };
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
  const subscriberId = subscriber.id;
  if (subscriber.confirmedAt) return { confirmed: true, confirmation: "confirmed", subscriberId };
  const resendAfter = settings().MAIL_LINK_HOURS * 3_600_000;
  const sentToAddress = subscriber.confirmSentAt && now.getTime() - subscriber.confirmSentAt.getTime() <= resendAfter;
  if (sentToAddress || !(await consume(confirmationKey(input.email), CONFIRMATIONS_PER_MAILBOX, tx, now)).ok) {
    return { confirmed: false, confirmation: "recently-sent", subscriberId };
  }
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
  return { confirmed: false, confirmation: "queued", subscriberId };
}

/**
 * For the comment form's answer: what a post made at or after `since` did about confirming
 * `email` (read back, since the comment's transaction queued it).
 */
export async function confirmationSince(db: Db, email: string, since: Date): Promise<Confirmation> {
  if (await mailboxBlocked(db, email)) return "blocked";
  const subscriber = await db.subscriber.findUnique({
    where: { email },
    select: { confirmedAt: true, confirmSentAt: true },
  });
  if (subscriber?.confirmedAt) return "confirmed";
  return !subscriber || (subscriber.confirmSentAt && subscriber.confirmSentAt >= since) ? "queued" : "recently-sent";
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

/**
 * "Never mail me again", in every confirmation mail: names the mailbox by its hash (and its
 * domain, to find its other spellings among the addresses), so it works after the address is gone.
 */
export const neverMailToken = (email: string) =>
  sign(`never:${mailboxHash(email)}@${mailboxKey(email).split("@").at(-1)}`);

export type UnsubscribeTarget =
  | { kind: "one"; id: string }
  | { kind: "all"; id: string }
  /** id: the mailbox's hash. */
  | { kind: "never"; id: string; domain: string }
  /** The author's new-comment mails (lib/mail/author-mail.ts); id: the hash of the address they went to. */
  | { kind: "author"; id: string };

export function readUnsubscribeToken(token: string | null | undefined): UnsubscribeTarget | null {
  const value = unsign(token);
  const never = value && /^never:([A-Za-z0-9_-]+)@(.+)$/.exec(value);
  if (never) return { kind: "never", id: never[1], domain: never[2] };
  if (value?.startsWith("author-pause:")) return { kind: "author", id: value.slice("author-pause:".length) };
  if (value?.startsWith("unsub:")) return { kind: "one", id: value.slice("unsub:".length) };
  if (value?.startsWith("unsub-all:")) return { kind: "all", id: value.slice("unsub-all:".length) };
  return null;
}

/**
 * Stops one subscription; or deletes the address and everything it follows; or ("never") blocks
 * its mailbox for good and deletes every spelling of it. Idempotent.
 */
export async function unsubscribe(db: Db, target: UnsubscribeTarget): Promise<"done" | "already"> {
  if (target.kind === "never") return blockMailbox(db, target.id, target.domain);
  if (target.kind === "author") return pauseAuthorMail(db, target.id);
  if (target.kind === "all") {
    const { count } = await db.subscriber.deleteMany({ where: { id: target.id } });
    // Queued mails to the address go with it (their rows name the subscriber).
    await db.outboxMessage.deleteMany({ where: { subscriberId: target.id, status: { in: ["queued", "merged"] } } });
    return count ? "done" : "already";
  }
  const { count } = await db.subscription.deleteMany({ where: { id: target.id } });
  return count ? "done" : "already";
}

/** Blocks a mailbox for good: no mail of any kind to any spelling of it (the sender checks each). */
async function blockMailbox(db: Db, hash: string, domain: string): Promise<"done" | "already"> {
  const where = { kind_value: { kind: MAILBOX_BLOCK_KIND, value: hash } };
  const known = await db.block.findUnique({ where, select: { id: true } });
  if (!known) {
    await db.block.upsert({
      where,
      create: { id: randomUUID(), kind: MAILBOX_BLOCK_KIND, value: hash, action: "refuse", note: "never mail" },
      update: {},
    });
  }
  // Its spellings are forgotten, as "stop every mail" forgets one address, with their queued mails.
  const spellings = await db.subscriber.findMany({
    where: { email: { endsWith: `@${domain}` } },
    select: { id: true, email: true },
  });
  const ids = spellings.filter((row) => mailboxHash(row.email) === hash).map((row) => row.id);
  if (ids.length > 0) {
    await db.subscriber.deleteMany({ where: { id: { in: ids } } });
    await db.outboxMessage.deleteMany({ where: { subscriberId: { in: ids }, status: { in: ["queued", "merged"] } } });
  }
  return known ? "already" : "done";
}

/** What an unsubscribe page says it will stop. */
export async function describeUnsubscribe(db: Db, target: UnsubscribeTarget): Promise<string | null> {
  if (target.kind === "never") {
    const blocked = await db.block.findUnique({
      where: { kind_value: { kind: MAILBOX_BLOCK_KIND, value: target.id } },
      select: { id: true },
    });
    return blocked ? null : t("email.stop.what.never");
  }
  if (target.kind === "author") {
    const to = settings().AUTHOR_EMAIL;
    return to && mailboxHash(to) === target.id && !(await authorMailPaused(db)) ? t("email.stop.what.author") : null;
  }
  if (target.kind === "all") {
    return (await db.subscriber.findUnique({ where: { id: target.id }, select: { id: true } }))
      ? t("email.stop.what.all")
      : null;
  }
  const row = await db.subscription.findUnique({ where: { id: target.id }, select: { kind: true } });
  if (!row) return null;
  return t(
    row.kind === "replies"
      ? "email.stop.what.replies"
      : row.kind === "discussion"
        ? "email.stop.what.discussion"
        : "email.stop.what.articles",
  );
}

/** The token a mail link's page sends back with its button (field `t`). */
export function linkToken(formData: FormData): string {
  const value = formData.get("t");
  return typeof value === "string" ? value : "";
}

/** Link pages are writes too: at most 30 clicks a minute per address. */
export async function linkClicksLimited(): Promise<boolean> {
  return !(await consume(`email-link:${addressKey(await clientIp())}`, [{ limit: 30, seconds: 60 }])).ok;
}
