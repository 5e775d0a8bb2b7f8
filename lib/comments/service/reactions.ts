import "server-only";
import { toggleReaction, type ReactionChange } from "../store";
import { forgetPages } from "../../server/page-cache";
import { check, consume, record, type Window } from "../../server/rate-limit";
import { addressKey } from "../../server/address-key";
import { db as defaultDb, type Db } from "../../server/db";
import { logged } from "./shared";

// A reader's 👍 on a comment, or taking it back, with its limits per address and per comment.

// A browser is only a cookie, so one client can be any number of browsers: 👍 are limited per
// address too. Overall, so a script cannot flood the database; and per comment, so clearing
// cookies adds a handful of 👍 to a comment, not any number. (Readers behind one address, an
// office or a school, share these.)
const REACTIONS_PER_ADDRESS: Window[] = [{ limit: 30, seconds: 60 }];
const REACTIONS_PER_COMMENT: Window[] = [{ limit: 3, seconds: 24 * 60 * 60 }];

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
  return logged(
    { action: "react", commentId },
    async () => {
      const client = addressKey(from.ip);
      if (!(await consume(`reaction:${client}`, REACTIONS_PER_ADDRESS, db, now)).ok) return { kind: "rate-limited" };
      const commentKey = `reaction-on:${commentId}@${client}`;
      // Only adding a 👍 counts against the comment's limit; taking one back does not.
      const mayAdd = (await check(commentKey, REACTIONS_PER_COMMENT, db, now)).ok;
      const result = await toggleReaction(commentId, from.voterId, db, mayAdd);
      if (result.kind === "added") await record(commentKey, REACTIONS_PER_COMMENT, db, now);
      if (result.kind === "added" || result.kind === "removed") forgetPages();
      return result;
    },
    (r) => ({ outcome: r.kind }),
  );
}
