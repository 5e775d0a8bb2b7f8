import "server-only";
import { createHash, timingSafeEqual } from "node:crypto";
import { settings } from "../settings";

/**
 * Whether a preview URL's token is PREVIEW_TOKEN. Without PREVIEW_TOKEN (or with one shorter
 * than 16 characters, too easy to guess) previews are off. Compared in constant time.
 */
export function isPreviewToken(token: string | string[] | undefined, secret = settings().PREVIEW_TOKEN): boolean {
  if (typeof token !== "string" || !secret || secret.length < 16) return false;
  const digest = (value: string) => createHash("sha256").update(value).digest();
  return timingSafeEqual(digest(token), digest(secret));
}
