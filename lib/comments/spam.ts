import "server-only";
import { randomUUID } from "node:crypto";
import { settings } from "../settings";
import { sign, unsign } from "../server/signing";

/** A field people never see or fill in; bots that fill every field give themselves away. */
export const HONEYPOT_FIELD = "website";

/**
 * Each rendered comment form carries a signed token: when it was rendered (a form sent back
 * faster than a person can type is a bot's, one older than FORM_TOKEN_MAX_AGE_MS is refused) and a
 * random id that makes a double submit of the same form store one comment.
 */
export function issueFormToken(now = Date.now()): string {
  return sign(`${now}.${randomUUID()}`);
}

/** A day: a reader may leave a form open overnight, but a harvested token does not serve for ever. */
export const FORM_TOKEN_MAX_AGE_MS = 24 * 60 * 60_000;

export type FormTokenCheck =
  { kind: "ok"; submissionId: string } | { kind: "too-fast" } | { kind: "expired" } | { kind: "invalid" };

export function checkFormToken(token: unknown, now = Date.now()): FormTokenCheck {
  const value = typeof token === "string" ? unsign(token) : null;
  const [issuedAt, submissionId] = value?.split(".") ?? [];
  if (!issuedAt || !submissionId || !/^\d+$/.test(issuedAt)) return { kind: "invalid" };
  if (now - Number(issuedAt) > FORM_TOKEN_MAX_AGE_MS) return { kind: "expired" };
  if (now - Number(issuedAt) < settings().COMMENT_MIN_FILL_SECONDS * 1000) return { kind: "too-fast" };
  return { kind: "ok", submissionId };
}
