import "server-only";
import { z } from "zod";
import { getArticle } from "../content/articles";
import {
  commentForEvent,
  createComment,
  deleteOwnComment,
  editOwnComment,
  moderateComment,
  toggleReaction,
  type OwnChange,
  type ReactionChange,
  type Viewer,
} from "./store";
import { impersonatesAuthor } from "./author-names";
import { commentEventsEnabled, queueWebhook, recordNewComment, type WebhookEvent } from "./notifications";
import { importComments, type ImportResult } from "./backup";
import { importFile, type ImportOptions, type ImportReport } from "./import/run";
import { forgetPages } from "../server/page-cache";
import { mailEnabled } from "../server/mail";
import { wakeSender } from "../server/sender";
import { check, consume, record, type Window } from "./rate-limit";
import { settings, type Settings } from "../settings";
import { checkFormToken } from "./spam";
import { commentInputSchema, type CommentInput, commentBodySchema, emailSchema } from "./validation";
import { db as defaultDb, type Db } from "../server/db";
import { hasApprovedComment, isThreadLocked, setPinned, setThreadLocked } from "./moderation";

// The one door to the comment store (as Remark42's service package is to its engine): every write
// (post, edit, delete, 👍, moderation, import) comes through here, with its rules: validation, the
// edit window, limits and rate limits, what it sets off (mail, webhooks, in the change's own
// transaction), and dropping the cached pages it changes. lib/comments/store.ts only reads and
// writes rows; actions and route handlers parse, call this and word the outcome.

/** What a reader (or a script) sent to post a comment, as untrusted as it came. */
export type Submission = {
  slug: unknown;
  name: unknown;
  body: unknown;
  parentId?: unknown;
  token: unknown;
  honeypot?: unknown;
  /** "Email me when someone replies" and its address (only when mail is set up). */
  email?: unknown;
  notify?: unknown;
};

export type SubmitResult =
  | { kind: "posted"; id: string; name: string; pending: boolean; duplicate: boolean }
  /** A bot gave itself away: it is told it posted, and nothing is stored. */
  | { kind: "ignored" }
  | { kind: "expired" }
  /** The form's token already made a comment, sent from elsewhere: nothing stored, nothing handed over. */
  | { kind: "already-sent" }
  | { kind: "invalid"; errors: Partial<Record<keyof CommentInput | "email", string[]>> }
  | { kind: "no-article" }
  | { kind: "no-parent" }
  /** The author locked the discussion. */
  | { kind: "locked" }
  | { kind: "rate-limited"; retryAfterSeconds: number };

/**
 * The rules every new comment passes, whichever way it arrives (the form's server action or the
 * JSON API): bot traps, validation, the per-address rate limit, duplicate detection, moderation.
 * Database errors are left to the caller, which knows how to tell the reader.
 */
export async function submitComment(
  submission: Submission,
  from: { ip: string; browserId: string | null; isAuthor?: boolean },
  db: Db = defaultDb(),
): Promise<SubmitResult> {
  const slug = typeof submission.slug === "string" ? submission.slug : "";
  if (!(await getArticle(slug))) return { kind: "no-article" };
  if (await isThreadLocked(slug, db)) return { kind: "locked" };
  if (typeof submission.honeypot === "string" && submission.honeypot !== "") return { kind: "ignored" };
  const token = checkFormToken(submission.token);
  if (token.kind === "too-fast") return { kind: "ignored" };
  if (token.kind !== "ok") return { kind: "expired" };

  const parsed = commentInputSchema.safeParse({
    name: submission.name,
    body: submission.body,
    parentId: submission.parentId,
  });
  const notify = readNotify(submission);
  if (!parsed.success || notify.error) {
    return {
      kind: "invalid",
      errors: { ...(parsed.success ? {} : z.flattenError(parsed.error).fieldErrors), ...notify.error },
    };
  }
  // Only the signed-in author may post under an author's name, or anything that reads as it.
  if (!from.isAuthor && impersonatesAuthor(parsed.data.name)) {
    return { kind: "invalid", errors: { name: ["This name belongs to the site's author. Please pick another name."] } };
  }

  const config = settings();
  const { key: rateKey, windows } = commentRate(from.ip, config);
  const rate = await check(rateKey, windows, db);
  if (!rate.ok) return { kind: "rate-limited", retryAfterSeconds: rate.retryAfterSeconds };

  const pending =
    config.COMMENTS_MODERATION === "pre" ||
    (config.COMMENTS_MODERATION === "first" && !(from.browserId && (await hasApprovedComment(from.browserId, db))));
  const result = await createComment(
    {
      slug,
      parentId: parsed.data.parentId,
      name: parsed.data.name,
      body: parsed.data.body,
      status: pending ? "pending" : "published",
      submissionId: token.submissionId,
      browserId: from.browserId,
      byAuthor: from.isAuthor ?? false,
      onCreated: commentEventsEnabled()
        ? (tx, id) =>
            recordNewComment(tx, {
              id,
              slug,
              answers: typeof submission.parentId === "string" && submission.parentId ? submission.parentId : null,
              name: parsed.data.name,
              body: parsed.data.body,
              status: pending ? "pending" : "published",
              browserId: from.browserId,
              notifyEmail: notify.email,
            })
        : undefined,
    },
    db,
  );
  if (result.kind === "created") {
    forgetPages(slug);
    if (commentEventsEnabled()) wakeSender();
  }
  if (result.kind === "parent-not-found") return { kind: "no-parent" };
  if (result.kind === "already-sent") return result;
  // A duplicate is the same comment again: it is answered like the first, and not counted twice.
  if (result.kind === "created") await record(rateKey, windows, db);
  return { kind: "posted", id: result.id, name: parsed.data.name, pending, duplicate: result.kind === "duplicate" };
}

/** New comments and edits from one address share one limit: an edit can carry as much as a comment. */
function commentRate(ip: string, config: Settings) {
  const windows = [
    { limit: config.COMMENT_RATE_PER_MINUTE, seconds: 60 },
    { limit: config.COMMENT_RATE_PER_HOUR, seconds: 3600 },
  ];
  return { key: `comment:${ip}`, windows };
}

export type EditResult =
  | { kind: "saved"; body: string; pending: boolean }
  | { kind: "invalid"; errors: string[] }
  | { kind: "rate-limited"; retryAfterSeconds: number }
  | { kind: "not-found" | "not-yours" | "too-late" };

/**
 * The rules every edit of one's own comment passes: validation, the per-address rate limit of new
 * comments, and moderation: under pre-moderation the edited comment waits for approval again.
 */
export async function submitEdit(
  edit: { id: string; body: unknown },
  from: { ip: string; viewer: Viewer },
  db: Db = defaultDb(),
): Promise<EditResult> {
  const body = commentBodySchema.safeParse(edit.body);
  if (!body.success) return { kind: "invalid", errors: body.error.issues.map((i) => i.message) };
  const config = settings();
  const { key, windows } = commentRate(from.ip, config);
  const rate = await check(key, windows, db);
  if (!rate.ok) return { kind: "rate-limited", retryAfterSeconds: rate.retryAfterSeconds };
  const pending = config.COMMENTS_MODERATION === "pre";
  const result = await changeComment(
    db,
    { type: "comment.edited", id: edit.id },
    (tx) => editOwnComment(edit.id, { body: body.data, hold: pending }, from.viewer, config.COMMENT_EDIT_MINUTES, tx),
    (change) => change.kind === "ok",
  );
  if (result.kind !== "ok") return result;
  await record(key, windows, db);
  return { kind: "saved", body: body.data, pending };
}

/** A reader's deletion of their own comment, within the edit window. */
export async function submitDelete(id: string, from: { viewer: Viewer }, db: Db = defaultDb()): Promise<OwnChange> {
  const editMinutes = settings().COMMENT_EDIT_MINUTES;
  return changeComment(
    db,
    { type: "comment.deleted", id },
    (tx) => deleteOwnComment(id, from.viewer, editMinutes, tx),
    (change) => change.kind === "ok",
  );
}

/** What the author can do to any comment: from /admin, the article page, or a mail's one-time link. */
export type Moderation = "approve" | "hide" | "unhide" | "delete" | "pin" | "unpin";
export const MODERATIONS: readonly Moderation[] = ["approve", "hide", "unhide", "delete", "pin", "unpin"];

const MODERATION_EVENTS: Record<Moderation, WebhookEvent | null> = {
  approve: "comment.approved",
  unhide: "comment.approved",
  hide: "comment.hidden",
  delete: "comment.deleted",
  pin: null,
  unpin: null,
};

/** A moderator's decision on a comment (the caller has checked who asks); false when there is no such comment. */
export async function moderate(id: string, action: Moderation, db: Db = defaultDb()): Promise<boolean> {
  const pin = action === "pin" || action === "unpin";
  return changeComment(
    db,
    { type: MODERATION_EVENTS[action], id },
    (tx) => (pin ? setPinned(id, action === "pin", tx) : moderateComment(id, action, tx)),
    (found) => found,
  );
}

/** Locks a discussion (no new comments or replies, a note says so) or opens it again. */
export async function lockDiscussion(slug: string, locked: boolean, db: Db = defaultDb()): Promise<void> {
  await setThreadLocked(slug, locked, db);
  forgetPages(slug);
}

/** Loads a Marginalia export (lib/comments/backup.ts): all of it or, with one bad record, nothing. */
export async function importBackup(file: unknown, db: Db = defaultDb()): Promise<ImportResult> {
  const result = await importComments(file, db);
  if (result.kind === "imported") forgetPages();
  return result;
}

/** Imports another system's export (lib/comments/import/): all of it or, with one bad record, nothing. */
export async function importFrom(options: ImportOptions, db: Db = defaultDb()): Promise<ImportReport> {
  const report = await importFile(options, db);
  if (report.added > 0) forgetPages();
  return report;
}

/**
 * Runs a change to a stored comment; when it `happened`, drops the cached pages and, with a
 * webhook set up, queues its event in the same transaction (the outbox's rule: the event exists
 * exactly when the change does). The event carries the comment as it is after the change; a
 * deletion's, read before it, says only who and where.
 */
async function changeComment<T>(
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
  if (!(await consume(`reaction:${from.ip}`, REACTIONS_PER_ADDRESS, db, now)).ok) return { kind: "rate-limited" };
  const commentKey = `reaction-on:${commentId}@${from.ip}`;
  // Only adding a 👍 counts against the comment's limit; taking one back does not.
  const mayAdd = (await check(commentKey, REACTIONS_PER_COMMENT, db, now)).ok;
  const result = await toggleReaction(commentId, from.voterId, db, mayAdd);
  if (result.kind === "added") await record(commentKey, REACTIONS_PER_COMMENT, db, now);
  if (result.kind === "added" || result.kind === "removed") forgetPages();
  return result;
}

/** The address to tell of replies, when the box is ticked; without mail set up, both are ignored. */
function readNotify(submission: Submission): { email: string | null; error?: { email: string[] } } {
  const ticked = submission.notify === true || submission.notify === "on";
  if (!ticked || !mailEnabled()) return { email: null };
  const email = typeof submission.email === "string" ? submission.email.trim() : "";
  if (!email)
    return { email: null, error: { email: ["Enter your email address to be told of replies, or untick the box."] } };
  const parsed = emailSchema.safeParse(email);
  if (!parsed.success) return { email: null, error: { email: parsed.error.issues.map((i) => i.message) } };
  return { email: parsed.data };
}

/** What the form says once a comment is stored. */
export function postedMessage(pending: boolean): string {
  return pending ? "Thanks! Your comment is awaiting moderation." : "Thanks! Your comment is posted.";
}
