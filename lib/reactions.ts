import "server-only";
import { toggleReaction, type ReactionChange } from "./comments/store";
import { db as defaultDb, type Db } from "./server/db";
import { check, consume, record, type Window } from "./comments/rate-limit";

// A browser is only a cookie, so one client can be any number of browsers: 👍 are limited per
// address too. Overall, so a script cannot flood the database; and per comment, so clearing
// cookies adds a handful of 👍 to a comment, not any number. (Readers behind one address, an
// office or a school, share these.)
const PER_ADDRESS: Window[] = [{ limit: 30, seconds: 60 }];
const PER_COMMENT: Window[] = [{ limit: 3, seconds: 24 * 60 * 60 }];

/**
 * "refused": this address has added its most 👍 to this comment today; "rate-limited": it sent too
 * many this minute. Either way nothing changed.
 */
export type ReactionResult = ReactionChange | { kind: "rate-limited" };

/** The rules every 👍 (or its taking back) passes, whichever browser it comes from. */
export async function submitReaction(
  commentId: string,
  from: { ip: string; voterId: string },
  db: Db = defaultDb(),
  now = new Date(),
): Promise<ReactionResult> {
  if (!(await consume(`reaction:${from.ip}`, PER_ADDRESS, db, now)).ok) return { kind: "rate-limited" };
  const commentKey = `reaction-on:${commentId}@${from.ip}`;
  // Only adding a 👍 counts against the comment's limit; taking one back does not.
  const mayAdd = (await check(commentKey, PER_COMMENT, db, now)).ok;
  const result = await toggleReaction(commentId, from.voterId, db, mayAdd);
  if (result.kind === "added") await record(commentKey, PER_COMMENT, db, now);
  return result;
}
