import "server-only";
import { commentForEvent, earlierComments } from "../store";
import { queueWebhook, type WebhookEvent } from "../../mail/notifications";
import { forgetPages } from "../../server/page-cache";
import { logCommentChange } from "../../server/log";
import { wakeSender } from "../../mail/sender";
import { addressKey } from "../../server/address-key";
import { domainKey } from "../../server/domain-key";
import { settings, type Settings } from "../../settings";
import { assessComment, BURST_MINUTES, REPEAT_DAYS, type Verdict } from "../spam";
import type { Db } from "../../server/db";
import { activeBlocks } from "../moderation";

// What more than one kind of write uses: the rules a new comment and an edit both pass (their
// shared rate limit, earlierOf() and judge()), changeComment() (a change with its webhook event
// and the pages it drops), and logged(), the one log line every write leaves.

/** earlierComments() of a text; its fingerprint is looked for only when the spam score counts it. */
export function earlierOf(
  comment: { slug: string; browserId: string | null; body: string; fingerprint: string | null },
  db: Db,
  now = new Date(),
) {
  return earlierComments(
    {
      ...comment,
      fingerprint: settings().SPAM_THRESHOLD > 0 ? comment.fingerprint : null,
      sameTextSince: new Date(now.getTime() - REPEAT_DAYS * 86_400_000),
    },
    db,
    now,
  );
}

/**
 * What the rules say of a comment: the bans and blocklists in force, and the spam score with the
 * two counts it needs (the same text on other articles, from earlierComments(); recent comments
 * from the address: of the rate limit's `earlier` hits, which cover the last hour, so
 * BURST_MINUTES too).
 */
export async function judge(
  comment: {
    name: string;
    body: string;
    ip: string;
    browserId: string | null;
    earlier: Date[];
    sameTextElsewhere: number;
    /** A fediverse reply's instance (lib/fediverse/): a blocked domain refuses it. */
    instance?: string | null;
  },
  db: Db,
  now = new Date(),
): Promise<Verdict> {
  const ip = comment.ip === "unknown" ? null : comment.ip;
  const rules = await activeBlocks(db, now);
  const burstSince = now.getTime() - BURST_MINUTES * 60_000;
  const recentFromAddress = ip ? comment.earlier.filter((hit) => hit.getTime() > burstSince).length : 0;
  return assessComment(
    { name: comment.name, body: comment.body, ip, browserId: comment.browserId, instance: comment.instance },
    { sameTextElsewhere: comment.sameTextElsewhere, recentFromAddress },
    rules,
    settings().SPAM_THRESHOLD,
    now,
  );
}

/**
 * What an edited comment becomes once judged (not refused): hidden from all but its writer
 * (shadow), waiting for the author (queued, or every comment waits), or as it was (undefined).
 */
export function statusAfterEdit(verdict: Verdict, config: Settings): "shadow" | "pending" | undefined {
  if (verdict.kind === "shadow") return "shadow";
  return verdict.kind === "queue" || config.COMMENTS_MODERATION === "pre" ? "pending" : undefined;
}

/** New comments and edits from one address share one limit: an edit can carry as much as a comment. */
export function commentRate(ip: string, config: Settings) {
  // The longest window is at least BURST_MINUTES long: judge() counts the burst in its hits.
  const windows = [
    { limit: config.COMMENT_RATE_PER_MINUTE, seconds: 60 },
    { limit: config.COMMENT_RATE_PER_HOUR, seconds: 3600 },
  ];
  return { key: `comment:${addressKey(ip)}`, windows };
}

/** How many of a person's limits a whole instance gets: many people, one server, one key. */
export const INSTANCE_RATE_FACTOR = 10;

/**
 * A fediverse reply's two limits: its actor's (a reader's limit, under their id rather than an
 * address: they have none here) and their instance's, ten readers' worth, so a server minting
 * accounts cannot flood a discussion either. The instance counts under its registrable domain
 * (domain-key.ts): a.evil.example and b.evil.example share one limit.
 */
export function remoteRates(remote: { actor: string; instance: string }, config: Settings) {
  const { windows } = commentRate("unknown", config);
  return {
    actor: { key: `comment:fediverse:${remote.actor}`, windows },
    instance: {
      key: `comment:fediverse-instance:${domainKey(remote.instance)}`,
      windows: windows.map((w) => ({ ...w, limit: w.limit * INSTANCE_RATE_FACTOR })),
    },
  };
}

/**
 * Runs a change to a stored comment; when it `happened`, drops the cached pages and, with a
 * webhook set up, queues its event in the same transaction (the outbox's rule: the event exists
 * exactly when the change does). The event carries the comment as it is after the change; a
 * deletion's, read before it, says only who and where.
 */
export async function changeComment<T>(
  db: Db,
  event: { type: WebhookEvent | null; id: string },
  change: (tx: Db) => Promise<T>,
  happened: (result: T) => boolean,
): Promise<T> {
  const type = event.type;
  let result: T;
  if (!type || !settings().WEBHOOK_URL) {
    result = await change(db);
  } else {
    result = await db.$transaction(async (transaction) => {
      const tx = transaction as unknown as Db;
      const deleted = type === "comment.deleted";
      const before = deleted ? await commentForEvent(event.id, tx) : null;
      const outcome = await change(tx);
      if (!happened(outcome)) return outcome;
      const comment = deleted
        ? before && { ...before, body: "", status: "deleted" }
        : await commentForEvent(event.id, tx);
      if (comment) await queueWebhook(tx, type, comment);
      return outcome;
    });
    if (happened(result)) wakeSender();
  }
  if (happened(result)) forgetPages();
  return result;
}

/**
 * Runs one write through this door and logs what came of it, one line (lib/server/log.ts): what
 * was asked, where, and the outcome; a database error is logged as "failed" and thrown on to the
 * caller, which tells the reader.
 */
export async function logged<T>(
  change: { action: string; slug?: string; commentId?: string; [key: string]: string | number | undefined },
  write: () => Promise<T>,
  describe: (result: T) => Record<string, string | number | boolean | undefined>,
): Promise<T> {
  try {
    const result = await write();
    logCommentChange({ ...change, outcome: "done", ...describe(result) });
    return result;
  } catch (error) {
    logCommentChange({ ...change, outcome: "failed" }, error);
    throw error;
  }
}
