import "server-only";
import { randomUUID } from "node:crypto";
import { isPostgres, type Db } from "../server/db";
import { messageIdDomain, type OutgoingMail } from "./mail";
import { settings } from "../settings";

// The transactional outbox: a message is a row written in the same transaction as what caused it
// (a comment), so it exists exactly when the cause does. The sender (lib/mail/sender.ts) claims
// due rows, delivers them and marks them sent; a crash leaves a claimed row whose lease runs out,
// and the next claim sends it again with the same Message-ID, which mail clients take as the same
// mail.

/** What a transaction or the client can both do: enough to queue a message with its cause. */
export type Tx = Pick<
  Db,
  | "outboxMessage"
  | "subscriber"
  | "subscription"
  | "mailToken"
  | "comment"
  | "block"
  | "rateLimitHit"
  | "siteSetting"
  | "$queryRaw"
>;

/** `notice`: a mail written in full when queued (the answer to a reply by mail, lib/mail-in). */
export type OutboxKind = "confirm" | "reply" | "author" | "article" | "webhook" | "notice";
export type OutboxRow = Awaited<ReturnType<Db["outboxMessage"]["findMany"]>>[number];

/** Attempts after which a message is given up as failed (about a day of retries with the backoff cap). */
export const MAX_ATTEMPTS = 30;
/** How long a sender may hold one message before another takes it over (the first one crashed). */
export const leaseMs = () => settings().MAIL_LEASE_SECONDS * 1000;
const MAX_BACKOFF_MS = 60 * 60_000;

export async function enqueue(
  tx: Tx,
  message: {
    kind: OutboxKind;
    payload: unknown;
    subscriberId?: string | null;
    groupKey?: string | null;
    delaySeconds?: number;
  },
  now = new Date(),
): Promise<string> {
  const id = randomUUID();
  await tx.outboxMessage.create({
    data: {
      id,
      kind: message.kind,
      messageId: `<${id}@${messageIdDomain()}>`,
      subscriberId: message.subscriberId ?? null,
      groupKey: message.groupKey ?? null,
      payload: JSON.stringify(message.payload),
      nextAttemptAt: new Date(now.getTime() + (message.delaySeconds ?? 0) * 1000),
      createdAt: now,
    },
  });
  return id;
}

const dueWhere = (now: Date) => ({
  OR: [
    { status: "queued", nextAttemptAt: { lte: now } },
    // Claimed by a sender that crashed or hung: its lease ran out.
    { status: "sending", lockedUntil: { lt: now } },
  ],
});

/**
 * Claims up to `limit` due messages for this sender. Each claim is a conditional update, so two
 * senders never claim one message; on PostgreSQL `FOR UPDATE SKIP LOCKED` first lets concurrent
 * senders pass over the rows another is claiming instead of waiting for it. SQLite has one writer.
 */
export async function claimDue(db: Db, now = new Date(), limit = 10): Promise<OutboxRow[]> {
  const candidates = await db.outboxMessage.findMany({
    where: dueWhere(now),
    orderBy: [{ nextAttemptAt: "asc" }, { id: "asc" }],
    take: limit,
    select: { id: true, groupKey: true },
  });
  if (candidates.length === 0) return [];
  // One message per group: the others are sent inside it (gatherGroup), not beside it.
  const groups = new Set<string>();
  candidates.splice(
    0,
    candidates.length,
    ...candidates.filter((c) => !c.groupKey || (!groups.has(c.groupKey) && groups.add(c.groupKey))),
  );
  const lease = new Date(now.getTime() + leaseMs());
  const claim = async (tx: Pick<Db, "outboxMessage">, ids: string[]) => {
    const claimed: string[] = [];
    for (const id of ids) {
      const { count } = await tx.outboxMessage.updateMany({
        where: { id, ...dueWhere(now) },
        data: { status: "sending", lockedUntil: lease, attempts: { increment: 1 } },
      });
      if (count === 1) claimed.push(id);
    }
    return tx.outboxMessage.findMany({
      where: { id: { in: claimed } },
      orderBy: [{ nextAttemptAt: "asc" }, { id: "asc" }],
    });
  };
  const ids = candidates.map((c) => c.id);
  // SQLite: each conditional update is atomic on its own; a transaction held across awaits would
  // only make a second connection wait for the lock.
  if (!isPostgres(db)) return claim(db, ids);
  return db.$transaction(async (tx) => {
    const locked = await tx.$queryRawUnsafe<{ id: string }[]>(
      `SELECT id FROM "OutboxMessage" WHERE id = ANY($1::text[]) FOR UPDATE SKIP LOCKED`,
      ids,
    );
    return claim(
      tx,
      locked.map((row) => row.id),
    );
  });
}

/**
 * The claimed message and every queued one with its group key, sent together as one mail (replies
 * within a few minutes). Rows merged before a crash stay merged into the same leader, so a retry
 * composes the same mail. A queued row can itself lead rows merged into it by an attempt that
 * failed: they follow it into this mail, or they would never be sent.
 */
export async function gatherGroup(db: Db, leader: OutboxRow): Promise<OutboxRow[]> {
  if (leader.groupKey) {
    const queued = await db.outboxMessage.findMany({
      where: { groupKey: leader.groupKey, status: "queued", id: { not: leader.id } },
      select: { id: true },
    });
    for (const { id } of queued) {
      // Conditional, like a claim: a row another sender claimed meanwhile stays its own, with its rows.
      const { count } = await db.outboxMessage.updateMany({
        where: { id, status: "queued" },
        data: { status: "merged", mergedInto: leader.id },
      });
      if (count === 1)
        await db.outboxMessage.updateMany({ where: { mergedInto: id }, data: { mergedInto: leader.id } });
    }
  }
  const merged = await db.outboxMessage.findMany({
    where: { mergedInto: leader.id },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
  return [leader, ...merged];
}

export async function markSent(db: Db, id: string, now = new Date()): Promise<void> {
  await db.outboxMessage.update({
    where: { id },
    data: { status: "sent", sentAt: now, lockedUntil: null, lastError: null },
  });
}

/** Nothing left to send (the reply was deleted, the reader unsubscribed): not an error. */
export async function markDropped(db: Db, id: string, reason: string): Promise<void> {
  await db.outboxMessage.update({ where: { id }, data: { status: "dropped", lockedUntil: null, lastError: reason } });
}

/** Not now (a rate limit, a comment awaiting moderation): back in the queue without counting an attempt. */
export async function postpone(db: Db, row: OutboxRow, until: Date): Promise<void> {
  await db.outboxMessage.update({
    where: { id: row.id },
    data: { status: "queued", lockedUntil: null, nextAttemptAt: until, attempts: Math.max(0, row.attempts - 1) },
  });
}

/** A failed attempt: retried after 1, 2, 4… × MAIL_RETRY_SECONDS (at most an hour), given up after MAX_ATTEMPTS. */
export async function markFailed(
  db: Db,
  row: OutboxRow,
  error: string,
  retrySeconds: number,
  now = new Date(),
): Promise<void> {
  const delay = Math.min(retrySeconds * 1000 * 2 ** Math.max(0, row.attempts - 1), MAX_BACKOFF_MS);
  await db.outboxMessage.update({
    where: { id: row.id },
    data: {
      status: row.attempts >= MAX_ATTEMPTS ? "failed" : "queued",
      lockedUntil: null,
      nextAttemptAt: new Date(now.getTime() + delay),
      lastError: error.slice(0, 500),
    },
  });
}

/** The admin's "retry now": a failing or failed message goes back to the front of the queue. */
export async function retryNow(db: Db, id: string, now = new Date()): Promise<boolean> {
  const { count } = await db.outboxMessage.updateMany({
    where: { id, status: { in: ["queued", "failed"] } },
    data: { status: "queued", nextAttemptAt: now },
  });
  return count === 1;
}

/** What the admin page shows: counts by state and the newest messages that are not sent yet. */
export async function outboxOverview(db: Db, limit = 50) {
  const [groups, open] = await Promise.all([
    db.outboxMessage.groupBy({ by: ["status"], _count: { _all: true } }),
    db.outboxMessage.findMany({
      where: { status: { in: ["queued", "sending", "failed"] } },
      orderBy: [{ nextAttemptAt: "asc" }],
      take: limit,
      select: {
        id: true,
        kind: true,
        status: true,
        attempts: true,
        nextAttemptAt: true,
        lastError: true,
        createdAt: true,
      },
    }),
  ]);
  const counts = Object.fromEntries(groups.map((g) => [g.status, g._count._all])) as Record<string, number>;
  return { counts, open };
}

/** A mail written in full when it was queued: only its Message-ID comes from the row. */
export type Notice = Omit<OutgoingMail, "messageId">;

/** Queues a mail already written, so it is retried like every other while SMTP is away. */
export async function queueNotice(tx: Tx, notice: Notice, now = new Date()): Promise<void> {
  await enqueue(tx, { kind: "notice", payload: notice }, now);
}
