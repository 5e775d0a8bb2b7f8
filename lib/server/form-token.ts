import { randomUUID } from "node:crypto";
import { sign } from "./signing";

// Kept apart from lib/comments/spam.ts (which checks tokens, server-only): server.ts fills a
// token into each page it answers from the page cache, and runs outside Next.js's bundles.

/**
 * Each rendered comment form carries a signed token: when it was rendered (a form sent back
 * faster than a person can type is a bot's, one older than FORM_TOKEN_MAX_AGE_MS is refused) and a
 * random id that makes a double submit of the same form store one comment (lib/comments/spam.ts).
 */
export function issueFormToken(now = Date.now()): string {
  return sign(`${now}.${randomUUID()}`);
}
