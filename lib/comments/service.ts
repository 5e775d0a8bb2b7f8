import "server-only";
import { z } from "zod";
import { articleExists } from "../content/articles";
import {
  commentForEvent,
  createComment,
  earlierComments,
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
import { logCommentChange } from "../server/log";
import { mailEnabled } from "../server/mail";
import { wakeSender } from "../server/sender";
import { check, consume, record, withinLimit, type Window } from "./rate-limit";
import { addressKey } from "../server/address-key";
import { settings, type Settings } from "../settings";
import {
  assessComment,
  BURST_MINUTES,
  checkFormToken,
  joinFlags,
  REPEAT_DAYS,
  textFingerprint,
  type Verdict,
} from "./spam";
import { commentInputSchema, type CommentInput, commentBodySchema, emailSchema } from "./validation";
import { db as defaultDb, type Db } from "../server/db";
import {
  activeBlocks,
  banTarget,
  deleteBlock,
  hasApprovedComment,
  isThreadLocked,
  MAX_BLOCKS,
  countBlocks,
  saveBlock,
  setPinned,
  rulesChanged,
  setThreadLocked,
  shadowAuthorComments,
} from "./moderation";
import {
  actionsFor,
  type BAN_KINDS,
  BLOCK_ACTIONS,
  BLOCK_KINDS,
  normalizeBlock,
  type BlockAction,
  type BlockRule,
} from "./blocklist";

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
  /** A ban set to refuse: the reader is told so, nothing is stored. */
  | { kind: "refused"; message: string }
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
  return logged(
    { action: "post", slug: typeof submission.slug === "string" ? submission.slug : "" },
    async () => {
      const slug = typeof submission.slug === "string" ? submission.slug : "";
      if (!articleExists(slug)) return { kind: "no-article" };
      if (await isThreadLocked(slug, db)) return { kind: "locked" };
      // The honeypot alone stays silent: no person fills a field they cannot see.
      if (typeof submission.honeypot === "string" && submission.honeypot !== "") return { kind: "ignored" };
      const token = checkFormToken(submission.token);
      if (token.kind !== "ok") return { kind: "expired" };

      const config = settings();
      const { key: rateKey, windows } = commentRate(from.ip, config);
      // The place is taken before anything that costs (validation parses the body), so a burst of
      // posts cannot pass the limit together and a refused post cannot be repeated at will; only a
      // second send of a form that already made its comment gives its place back.
      return withinLimit(
        rateKey,
        windows,
        db,
        async (earlier): Promise<SubmitResult> => {
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
            return {
              kind: "invalid",
              errors: { name: ["This name belongs to the site's author. Please pick another name."] },
            };
          }
          return storeComment(
            {
              slug,
              ...parsed.data,
              submissionId: token.submissionId,
              notifyEmail: notify.email,
              answers: submission.parentId,
              quick: token.quick,
            },
            { ...from, earlier },
            config,
            db,
          );
        },
        (result) => !(result.kind === "already-sent" || (result.kind === "posted" && result.duplicate)),
      );
    },
    (r) =>
      r.kind === "posted"
        ? { outcome: r.duplicate ? "duplicate" : "posted", commentId: r.id, pending: r.pending }
        : { outcome: r.kind },
  );
}

/** Stores a comment that passed validation, within its place under the rate limit: bans, blocklists, spam, moderation. */
async function storeComment(
  input: {
    slug: string;
    name: string;
    body: string;
    parentId: string | null;
    submissionId: string;
    notifyEmail: string | null;
    /** The comment answered, as the reader chose it (before threads stop nesting). */
    answers: unknown;
    /** Sent sooner than COMMENT_MIN_FILL_SECONDS after the form appeared. */
    quick: boolean;
  },
  from: { ip: string; browserId: string | null; isAuthor?: boolean; earlier: Date[] },
  config: Settings,
  db: Db,
): Promise<SubmitResult> {
  // Bans, blocklists and the spam score; the site's author meets none of them.
  const fingerprint = textFingerprint(input.body);
  const earlier = await earlierOf(
    { slug: input.slug, browserId: from.browserId, body: input.body, fingerprint: from.isAuthor ? null : fingerprint },
    db,
  );
  const judged: Verdict = from.isAuthor
    ? { kind: "pass", flags: [] }
    : await judge({ name: input.name, body: input.body, ...from, sameTextElsewhere: earlier.sameTextElsewhere }, db);
  // A form sent back faster than people type is most often a bot's, but a "+1" can be typed that
  // fast too: the comment is kept and waits for the author's approval, and its reader is told so.
  const verdict: Verdict =
    input.quick && !from.isAuthor && judged.kind === "pass"
      ? { kind: "queue", flags: [...judged.flags, QUICK_FLAG(config.COMMENT_MIN_FILL_SECONDS)] }
      : judged;
  if (verdict.kind === "refuse") {
    return verdict.field
      ? { kind: "invalid", errors: { [verdict.field]: [verdict.message] } }
      : { kind: "refused", message: verdict.message };
  }
  const status =
    verdict.kind === "shadow"
      ? "shadow"
      : verdict.kind === "queue" ||
          config.COMMENTS_MODERATION === "pre" ||
          (config.COMMENTS_MODERATION === "first" &&
            !(from.browserId && (await hasApprovedComment(from.browserId, db))))
        ? "pending"
        : "published";
  // A shadow-banned reader is told their comment is posted, as anyone else is.
  const pending = status === "pending";
  const result = await createComment(
    {
      slug: input.slug,
      parentId: input.parentId,
      name: input.name,
      body: input.body,
      status,
      submissionId: input.submissionId,
      browserId: from.browserId,
      byAuthor: from.isAuthor ?? false,
      ip: from.ip,
      fingerprint,
      flags: joinFlags(verdict.flags),
      earlier,
      onCreated: commentEventsEnabled()
        ? (tx, id) =>
            recordNewComment(tx, {
              id,
              slug: input.slug,
              answers: typeof input.answers === "string" && input.answers ? input.answers : null,
              name: input.name,
              body: input.body,
              status,
              browserId: from.browserId,
              notifyEmail: input.notifyEmail,
            })
        : undefined,
    },
    db,
  );
  if (result.kind === "created") {
    forgetPages(input.slug);
    if (commentEventsEnabled()) wakeSender();
  }
  if (result.kind === "parent-not-found") return { kind: "no-parent" };
  if (result.kind === "already-sent") return result;
  return { kind: "posted", id: result.id, name: input.name, pending, duplicate: result.kind === "duplicate" };
}

const QUICK_FLAG = (seconds: number) => `Sent within ${seconds} s of the form appearing`;

/** earlierComments() of a text; its fingerprint is looked for only when the spam score counts it. */
function earlierOf(
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
async function judge(
  comment: {
    name: string;
    body: string;
    ip: string;
    browserId: string | null;
    earlier: Date[];
    sameTextElsewhere: number;
  },
  db: Db,
  now = new Date(),
): Promise<Verdict> {
  const ip = comment.ip === "unknown" ? null : comment.ip;
  const rules = await activeBlocks(db, now);
  const burstSince = now.getTime() - BURST_MINUTES * 60_000;
  const recentFromAddress = ip ? comment.earlier.filter((hit) => hit.getTime() > burstSince).length : 0;
  return assessComment(
    { name: comment.name, body: comment.body, ip, browserId: comment.browserId },
    { sameTextElsewhere: comment.sameTextElsewhere, recentFromAddress },
    rules,
    settings().SPAM_THRESHOLD,
    now,
  );
}

/** New comments and edits from one address share one limit: an edit can carry as much as a comment. */
function commentRate(ip: string, config: Settings) {
  // The longest window is at least BURST_MINUTES long: judge() counts the burst in its hits.
  const windows = [
    { limit: config.COMMENT_RATE_PER_MINUTE, seconds: 60 },
    { limit: config.COMMENT_RATE_PER_HOUR, seconds: 3600 },
  ];
  return { key: `comment:${addressKey(ip)}`, windows };
}

export type EditResult =
  | { kind: "saved"; body: string; pending: boolean }
  | { kind: "invalid"; errors: string[] }
  | { kind: "rate-limited"; retryAfterSeconds: number }
  | { kind: "not-found" | "not-yours" | "too-late" | "hidden" };

/**
 * The rules every edit of one's own comment passes: validation, the per-address rate limit of new
 * comments, bans, blocklists and the spam score as for a new comment, and moderation: under
 * pre-moderation (or flagged) the edited comment waits for approval again; a banned reader's goes
 * into the shadow, so a ban also keeps them from rewriting what they posted before it.
 */
export async function submitEdit(
  edit: { id: string; body: unknown },
  from: { ip: string; viewer: Viewer },
  db: Db = defaultDb(),
): Promise<EditResult> {
  return logged(
    { action: "edit", commentId: edit.id },
    async () => {
      const config = settings();
      const { key, windows } = commentRate(from.ip, config);
      // New comments and edits share a place under one limit: an edit can carry as much as a
      // comment. Every edit takes its place, a refused one too, before the body is parsed.
      return withinLimit(key, windows, db, saveEdit, () => true);

      async function saveEdit(earlier: Date[]): Promise<EditResult> {
        const body = commentBodySchema.safeParse(edit.body);
        if (!body.success) return { kind: "invalid", errors: body.error.issues.map((i) => i.message) };
        const text = body.data;
        const current = from.viewer.ownIds.has(edit.id) ? await commentForEvent(edit.id, db) : null;
        if (current?.status === "hidden") return { kind: "hidden" };
        const fingerprint = textFingerprint(text);
        const verdict: Verdict = current
          ? await judge(
              {
                name: current.name,
                body: text,
                ip: from.ip,
                browserId: from.viewer.voterId ?? null,
                earlier,
                sameTextElsewhere: (
                  await earlierOf({ slug: current.slug, browserId: null, body: text, fingerprint }, db)
                ).sameTextElsewhere,
              },
              db,
            )
          : { kind: "pass", flags: [] };
        if (verdict.kind === "refuse") return { kind: "invalid", errors: [verdict.message] };
        const status =
          verdict.kind === "shadow"
            ? "shadow"
            : verdict.kind === "queue" || config.COMMENTS_MODERATION === "pre"
              ? "pending"
              : undefined;
        const result = await changeComment(
          db,
          { type: "comment.edited", id: edit.id },
          (tx) =>
            editOwnComment(
              edit.id,
              { body: text, status, flags: joinFlags(verdict.flags), fingerprint },
              from.viewer,
              config.COMMENT_EDIT_MINUTES,
              tx,
            ),
          (change) => change.kind === "ok",
        );
        if (result.kind !== "ok") return result;
        return { kind: "saved", body: text, pending: status === "pending" };
      }
    },
    (r) => ({ outcome: r.kind }),
  );
}

/** A reader's deletion of their own comment, within the edit window. */
export async function submitDelete(id: string, from: { viewer: Viewer }, db: Db = defaultDb()): Promise<OwnChange> {
  return logged(
    { action: "delete", commentId: id },
    async () => {
      const editMinutes = settings().COMMENT_EDIT_MINUTES;
      return changeComment(
        db,
        { type: "comment.deleted", id },
        (tx) => deleteOwnComment(id, from.viewer, editMinutes, tx),
        (change) => change.kind === "ok",
      );
    },
    (r) => ({ outcome: r.kind === "ok" ? "deleted" : r.kind }),
  );
}

/** Why a reader's change to their own comment was refused, as the page tells them. */
export function ownChangeRefused(kind: Exclude<OwnChange["kind"], "ok">): string {
  if (kind === "not-yours") return "You can only change comments posted from this browser.";
  if (kind === "not-found") return "That comment is no longer there.";
  if (kind === "hidden") return "A moderator has hidden this comment, so it can no longer be edited.";
  return `Comments can only be changed for ${settings().COMMENT_EDIT_MINUTES} minutes after posting.`;
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
  return logged(
    { action, commentId: id, by: "author" },
    async () => {
      const pin = action === "pin" || action === "unpin";
      return changeComment(
        db,
        { type: MODERATION_EVENTS[action], id },
        (tx) => (pin ? setPinned(id, action === "pin", tx) : moderateComment(id, action, tx)),
        (found) => found,
      );
    },
    (found) => ({ outcome: found ? "done" : "not-found" }),
  );
}

/** The most comments one bulk action in /admin changes: one page of the list at its largest. */
export const MAX_BULK = 100;

/** A moderator's decision on several comments at once (the caller has checked who asks); how many it changed. */
export async function moderateMany(ids: readonly string[], action: Moderation, db: Db = defaultDb()): Promise<number> {
  return logged(
    { action, by: "author", asked: ids.length },
    async () => {
      let changed = 0;
      for (const id of [...new Set(ids)].slice(0, MAX_BULK)) if (await moderate(id, action, db)) changed++;
      return changed;
    },
    (count) => ({ outcome: "done", changed: count }),
  );
}

/** How long a ban or blocklist entry lasts, in days; null: until removed. */
export const BLOCK_DAYS = [1, 7, 30, 365] as const;

const blockInputSchema = z
  .object({
    kind: z.enum(BLOCK_KINDS, { error: "Choose what to block." }),
    value: z.string({ error: "Enter what to block." }),
    action: z.enum(BLOCK_ACTIONS, { error: "Choose what happens to such comments." }),
    note: z
      .string()
      .trim()
      .max(200, "A note can be at most 200 characters.")
      .optional()
      .transform((note) => note || null),
    days: z.coerce
      .number()
      .refine((days) => (BLOCK_DAYS as readonly number[]).includes(days), "Choose how long it lasts.")
      .nullish(),
  })
  .superRefine((input, ctx) => {
    if (!actionsFor(input.kind).includes(input.action))
      ctx.addIssue({ code: "custom", path: ["action"], message: "A word or a domain sends to the queue or refuses." });
  });

export type BlockField = "kind" | "value" | "action" | "note" | "days";
export type BlockResult =
  { kind: "saved"; rule: BlockRule } | { kind: "invalid"; errors: Partial<Record<BlockField, string[]>> };

const expiry = (days: number | null | undefined, now: Date) =>
  days ? new Date(now.getTime() + days * 86_400_000) : null;

/** Adds a ban or blocklist entry from /admin (or changes the one with the same kind and value). */
export async function addBlock(
  input: { kind: unknown; value: unknown; action: unknown; note?: unknown; days?: unknown },
  db: Db = defaultDb(),
  now = new Date(),
): Promise<BlockResult> {
  return logged(
    { action: "block", by: "author" },
    async () => {
      const parsed = blockInputSchema.safeParse(input);
      if (!parsed.success) return { kind: "invalid", errors: z.flattenError(parsed.error).fieldErrors };
      const value = normalizeBlock(parsed.data.kind, parsed.data.value);
      if (!value.ok) return { kind: "invalid", errors: { value: [value.error] } };
      if ((await countBlocks(db)) >= MAX_BLOCKS)
        return { kind: "invalid", errors: { value: [`There are ${MAX_BLOCKS} entries already: remove some first.`] } };
      const rule = await saveBlock(
        {
          kind: parsed.data.kind,
          value: value.value,
          action: parsed.data.action,
          note: parsed.data.note,
          expiresAt: expiry(parsed.data.days, now),
        },
        db,
        now,
      );
      return { kind: "saved", rule };
    },
    (r) => ({ outcome: r.kind }),
  );
}

/** Removes a ban or blocklist entry; false when there was none. */
export async function removeBlock(id: string, db: Db = defaultDb()): Promise<boolean> {
  return logged(
    { action: "unblock", by: "author" },
    async () => {
      return deleteBlock(id, db);
    },
    (found) => ({ outcome: found ? "done" : "not-found" }),
  );
}

export type BanOptions = {
  /** What to ban the comment's author by. */
  by: readonly (typeof BAN_KINDS)[number][];
  action?: BlockAction;
  days?: number | null;
  /** Move this comment and the others from the same browser or address into the shadow too. */
  shadowExisting?: boolean;
};

export type BanResult =
  | { kind: "banned"; bans: number; moved: number }
  | { kind: "not-found" }
  /** The site's author wrote it. */
  | { kind: "author" }
  /** Nothing to ban it by: an imported comment has no browser or address, and the name was not chosen. */
  | { kind: "nothing" };

/**
 * "Ban author" on the article page: bans whoever wrote a comment by its browser, address and/or
 * name (shadow, unless said otherwise) and, if asked, moves their comments into the shadow, so the
 * other readers stop seeing them while their author notices nothing.
 */
export async function banAuthor(
  commentId: string,
  options: BanOptions,
  db: Db = defaultDb(),
  now = new Date(),
): Promise<BanResult> {
  return logged(
    { action: "ban", commentId, by: "author" },
    async () => {
      const target = await banTarget(commentId, db);
      if (!target) return { kind: "not-found" };
      if (target.byAuthor) return { kind: "author" };
      const action = options.action ?? "shadow";
      const values: Record<(typeof BAN_KINDS)[number], string | null> = {
        browser: target.browserId,
        address: target.authorIp && target.authorIp !== "unknown" ? target.authorIp : null,
        name: target.authorName || null,
      };
      let bans = 0;
      for (const kind of new Set(options.by)) {
        const raw = values[kind];
        const value = raw ? normalizeBlock(kind, raw) : null;
        if (!value?.ok) continue;
        const note = `${target.authorName || "a deleted comment"} on ${target.articleSlug}`.slice(0, 200);
        await saveBlock({ kind, value: value.value, action, note, expiresAt: expiry(options.days, now) }, db, now);
        bans++;
      }
      if (bans === 0) return { kind: "nothing" };
      let moved = 0;
      if (options.shadowExisting) {
        const by = new Set(options.by);
        moved = await shadowAuthorComments(
          {
            commentId,
            browserId: by.has("browser") ? values.browser : null,
            ip: by.has("address") ? values.address : null,
          },
          db,
        );
        forgetPages();
      }
      return { kind: "banned", bans, moved };
    },
    (r) => ({ outcome: r.kind }),
  );
}

/**
 * "Ban the authors" of ticked comments in /admin: each by browser and address, shadow, their
 * comments into the shadow with it. How many authors were banned.
 */
export async function banAuthors(ids: readonly string[], db: Db = defaultDb()): Promise<number> {
  return logged(
    { action: "ban", by: "author", asked: ids.length },
    async () => {
      let banned = 0;
      for (const id of [...new Set(ids)].slice(0, MAX_BULK)) {
        const result = await banAuthor(id, { by: ["browser", "address"], shadowExisting: true }, db);
        if (result.kind === "banned") banned++;
      }
      return banned;
    },
    (count) => ({ outcome: "done", changed: count }),
  );
}

/** Locks a discussion (no new comments or replies, a note says so) or opens it again. */
export async function lockDiscussion(slug: string, locked: boolean, db: Db = defaultDb()): Promise<void> {
  return logged(
    { action: locked ? "lock" : "unlock", slug, by: "author" },
    async () => {
      await setThreadLocked(slug, locked, db);
      forgetPages(slug);
    },
    () => ({ outcome: "done" }),
  );
}

/** Loads a Marginalia export (lib/comments/backup.ts): all of it or, with one bad record, nothing. */
export async function importBackup(file: unknown, db: Db = defaultDb()): Promise<ImportResult> {
  return logged(
    { action: "import", via: "marginalia" },
    async () => {
      const result = await importComments(file, db);
      // It may lock discussions.
      await rulesChanged(db);
      if (result.kind === "imported") forgetPages();
      return result;
    },
    (r) =>
      r.kind === "imported"
        ? { outcome: "done", comments: r.comments, reactions: r.reactions }
        : { outcome: "refused" },
  );
}

/** Imports another system's export (lib/comments/import/): all of it or, with one bad record, nothing. */
export async function importFrom(options: ImportOptions, db: Db = defaultDb()): Promise<ImportReport> {
  return logged(
    { action: "import", via: options.format },
    async () => {
      const report = await importFile(options, db);
      if (report.added > 0) forgetPages();
      return report;
    },
    (r) => ({ outcome: r.refusedCount > 0 ? "refused" : r.dryRun ? "dry-run" : "done", added: r.added }),
  );
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

/**
 * Runs one write through this door and logs what came of it, one line (lib/server/log.ts): what
 * was asked, where, and the outcome; a database error is logged as "failed" and thrown on to the
 * caller, which tells the reader.
 */
async function logged<T>(
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
