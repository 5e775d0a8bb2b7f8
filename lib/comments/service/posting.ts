import "server-only";
import { createHash } from "node:crypto";
import { z } from "zod";
import { articleExists } from "../../content/articles";
import { createComment, type EarlierComments, type RemoteOrigin } from "../store";
import { impersonatesAuthor } from "../author-names";
import { commentEventsEnabled, recordNewComment } from "../../mail/notifications";
import { forgetPages } from "../../server/page-cache";
import { mailEnabled } from "../../mail/mail";
import { wakeSender } from "../../mail/sender";
import { withinLimit, type Place } from "../../server/rate-limit";
import { settings, type Settings } from "../../settings";
import { t } from "../../i18n";
import { checkFormToken, joinFlags, textFingerprint, type Verdict } from "../spam";
import { flagLine } from "../flags";
import { commentInputSchema, type CommentInput } from "../validation";
import { emailSchema } from "../../mail/schema";
import { db as defaultDb, type Db } from "../../server/db";
import { hasApprovedComment, isThreadLocked, rulesReadWith } from "../moderation";
import { commentRate, earlierOf, judge, logged, remoteRates } from "./shared";
import { hooksFor } from "./hooks";

// New comments: submitComment() and what only it uses, from the form's fields to the stored row
// (bot traps, validation, the reply-mail box, the rate limit, bans and spam, moderation), and the
// words the form says once a comment is stored.

/** A fediverse reply's author and origin, checked by lib/fediverse: `instance` is their server's host. */
export type RemoteAuthor = RemoteOrigin & { instance: string };

/** The submission id of a fediverse Note: the same Note delivered twice is one comment. */
const remoteSubmissionId = (noteId: string) =>
  `ap-${createHash("sha256").update(noteId).digest("base64url").slice(0, 32)}`;

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
  from: {
    ip: string;
    browserId: string | null;
    isAuthor?: boolean;
    /**
     * A reply by mail (lib/mail-in/): there is no form, the signed reply address stood for its
     * token, and this id (the mail's) stores one comment however many times the mail arrives.
     */
    mailId?: string;
    /**
     * A reply from the fediverse (lib/fediverse/): signed by its actor's server, it has no form
     * either; its Note's id stores one comment however often it is delivered, and it is counted
     * under its actor and its instance (it has no address here).
     */
    remote?: RemoteAuthor;
  },
  db: Db = defaultDb(),
): Promise<SubmitResult> {
  return logged(
    { action: "post", slug: typeof submission.slug === "string" ? submission.slug : "" },
    async () => {
      const slug = typeof submission.slug === "string" ? submission.slug : "";
      if (!articleExists(slug)) return { kind: "no-article" };
      // The honeypot alone stays silent: no person fills a field they cannot see.
      if (typeof submission.honeypot === "string" && submission.honeypot !== "") return { kind: "ignored" };
      const token = from.mailId
        ? ({ kind: "ok", submissionId: from.mailId, quick: false } as const)
        : from.remote
          ? ({ kind: "ok", submissionId: remoteSubmissionId(from.remote.id), quick: false } as const)
          : checkFormToken(submission.token);
      if (token.kind !== "ok") return { kind: "expired" };

      const config = settings();
      const { key: rateKey, windows } = commentRate(from.ip, config);
      // The place is taken before anything that costs (validation parses the body), so a burst of
      // posts cannot pass the limit together and a refused post cannot be repeated at will; only a
      // second send of a form that already made its comment gives its place back. The place is the
      // submission's: judged again (server.ts's lane hands a refused form on to the action, which
      // shows it with the reader's text), it takes no second one.
      const judged = async ({ earlier, rulesVersion }: Place): Promise<SubmitResult> => {
        // After the place: its round trip read which rules are in force (lib/comments/moderation.ts).
        rulesReadWith(db, rulesVersion);
        if (await isThreadLocked(slug, db)) return { kind: "locked" };
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
            errors: { name: [t("validation.authorName")] },
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
      };
      const counts = (result: SubmitResult) =>
        !(result.kind === "already-sent" || result.kind === "locked" || (result.kind === "posted" && result.duplicate));
      if (from.remote) {
        // Two places: the instance's, then the actor's; refused by the second, the first is given back.
        const rates = remoteRates(from.remote, config);
        return withinLimit(
          rates.instance.key,
          rates.instance.windows,
          db,
          () => withinLimit(rates.actor.key, rates.actor.windows, db, judged, counts, token.submissionId),
          (result) => result.kind !== "rate-limited" && counts(result),
          token.submissionId,
        );
      }
      return withinLimit(rateKey, windows, db, judged, counts, token.submissionId);
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
  from: { ip: string; browserId: string | null; isAuthor?: boolean; earlier: Date[]; remote?: RemoteAuthor },
  config: Settings,
  db: Db,
): Promise<SubmitResult> {
  const { fingerprint, earlier, verdict } = await screen(input, from, config, db);
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
      remote: from.remote
        ? {
            id: from.remote.id,
            actor: from.remote.actor,
            handle: from.remote.handle,
            avatar: from.remote.avatar,
            url: from.remote.url,
          }
        : undefined,
      onCreated: onCreated(input, from, status),
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

/**
 * What a new comment sets off in its own transaction: its mails and webhooks (when set up) and the
 * hooks of other wings that want it (lib/comments/service/hooks.ts); none, and no transaction.
 */
function onCreated(
  input: { slug: string; name: string; body: string; answers: unknown; notifyEmail: string | null },
  from: { browserId: string | null; isAuthor?: boolean },
  status: string,
) {
  const answers = typeof input.answers === "string" && input.answers ? input.answers : null;
  const stored = { slug: input.slug, answers, byAuthor: from.isAuthor ?? false, status };
  const hooks = hooksFor(stored);
  const events = commentEventsEnabled();
  if (!events && hooks.length === 0) return undefined;
  return async (tx: Db, id: string) => {
    if (events) {
      await recordNewComment(tx, {
        id,
        slug: input.slug,
        answers,
        name: input.name,
        body: input.body,
        status,
        browserId: from.browserId,
        notifyEmail: input.notifyEmail,
      });
    }
    for (const hook of hooks) await hook.run(tx, { id, ...stored });
  };
}

/**
 * Bans, blocklists and the spam score; the site's author meets none of them. With the verdict, the
 * text's fingerprint and the earlier comments it was weighed against, which createComment() needs.
 */
async function screen(
  input: { slug: string; name: string; body: string; quick: boolean },
  from: { ip: string; browserId: string | null; isAuthor?: boolean; earlier: Date[]; remote?: RemoteAuthor },
  config: Settings,
  db: Db,
): Promise<{ fingerprint: string | null; earlier: EarlierComments; verdict: Verdict }> {
  const fingerprint = textFingerprint(input.body);
  const earlier = await earlierOf(
    { slug: input.slug, browserId: from.browserId, body: input.body, fingerprint: from.isAuthor ? null : fingerprint },
    db,
  );
  const judged: Verdict = from.isAuthor
    ? { kind: "pass", flags: [] }
    : await judge(
        {
          name: input.name,
          body: input.body,
          ...from,
          sameTextElsewhere: earlier.sameTextElsewhere,
          instance: from.remote?.instance,
        },
        db,
      );
  // A form sent back faster than people type is most often a bot's, but a "+1" can be typed that
  // fast too: the comment is kept and waits for the author's approval, and its reader is told so.
  const verdict: Verdict =
    input.quick && !from.isAuthor && judged.kind === "pass"
      ? { kind: "queue", flags: [...judged.flags, QUICK_FLAG(config.COMMENT_MIN_FILL_SECONDS)] }
      : judged;
  return { fingerprint, earlier, verdict };
}

const QUICK_FLAG = (seconds: number) => flagLine("quick", { seconds });

/** The address to tell of replies, when the box is ticked; without mail set up, both are ignored. */
function readNotify(submission: Submission): { email: string | null; error?: { email: string[] } } {
  const ticked = submission.notify === true || submission.notify === "on";
  if (!ticked || !mailEnabled()) return { email: null };
  const email = typeof submission.email === "string" ? submission.email.trim() : "";
  if (!email) return { email: null, error: { email: [t("validation.emailMissing")] } };
  const parsed = emailSchema.safeParse(email);
  if (!parsed.success) return { email: null, error: { email: parsed.error.issues.map((i) => i.message) } };
  return { email: parsed.data };
}

/** What the form says once a comment is stored. */
export function postedMessage(pending: boolean): string {
  return t(pending ? "post.pending" : "post.posted");
}
