import "server-only";
import { z } from "zod";
import { getArticle } from "./articles";
import { createComment } from "./comments";
import { hasApprovedComment, isThreadLocked } from "./comments/moderation";
import { check, record } from "./rate-limit";
import { settings } from "./settings";
import { checkFormToken } from "./spam";
import { commentInputSchema, type CommentField } from "./validations/comment";

/** What a reader (or a script) sent to post a comment, as untrusted as it came. */
export type Submission = {
  slug: unknown;
  name: unknown;
  body: unknown;
  parentId?: unknown;
  token: unknown;
  honeypot?: unknown;
};

export type SubmitResult =
  | { kind: "posted"; id: string; name: string; pending: boolean; duplicate: boolean }
  /** A bot gave itself away: it is told it posted, and nothing is stored. */
  | { kind: "ignored" }
  | { kind: "expired" }
  | { kind: "invalid"; errors: Partial<Record<CommentField, string[]>> }
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
export async function submitComment(submission: Submission, from: { ip: string; browserId: string | null }): Promise<SubmitResult> {
  const slug = typeof submission.slug === "string" ? submission.slug : "";
  if (!(await getArticle(slug))) return { kind: "no-article" };
  if (await isThreadLocked(slug)) return { kind: "locked" };
  if (typeof submission.honeypot === "string" && submission.honeypot !== "") return { kind: "ignored" };
  const token = checkFormToken(submission.token);
  if (token.kind === "too-fast") return { kind: "ignored" };
  if (token.kind === "invalid") return { kind: "expired" };

  const parsed = commentInputSchema.safeParse({ name: submission.name, body: submission.body });
  if (!parsed.success) return { kind: "invalid", errors: z.flattenError(parsed.error).fieldErrors };

  const config = settings();
  const rateKey = `comment:${from.ip}`;
  const windows = [
    { limit: config.COMMENT_RATE_PER_MINUTE, seconds: 60 },
    { limit: config.COMMENT_RATE_PER_HOUR, seconds: 3600 },
  ];
  const rate = await check(rateKey, windows);
  if (!rate.ok) return { kind: "rate-limited", retryAfterSeconds: rate.retryAfterSeconds };

  const pending =
    config.COMMENTS_MODERATION === "pre" ||
    (config.COMMENTS_MODERATION === "first" && !(from.browserId && (await hasApprovedComment(from.browserId))));
  const result = await createComment({
    slug,
    parentId: typeof submission.parentId === "string" && submission.parentId ? submission.parentId : null,
    name: parsed.data.name,
    body: parsed.data.body,
    status: pending ? "pending" : "published",
    submissionId: token.submissionId,
    browserId: from.browserId,
  });
  if (result.kind === "parent-not-found") return { kind: "no-parent" };
  // A duplicate is the same comment again: it is answered like the first, and not counted twice.
  if (result.kind === "created") await record(rateKey, windows);
  return { kind: "posted", id: result.id, name: parsed.data.name, pending, duplicate: result.kind === "duplicate" };
}

/** What the form says once a comment is stored. */
export function postedMessage(pending: boolean): string {
  return pending ? "Thanks! Your comment is awaiting moderation." : "Thanks! Your comment is posted.";
}

/** "42 seconds", "3 minutes": when a rate-limited reader may post again. */
export function waitFor(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? "" : "s"}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? "" : "s"}`;
}
