import { createHmac, timingSafeEqual } from "node:crypto";
import { cookieSecret } from "../settings";

// Cookies and form tokens are `value.signature`, the signature an HMAC-SHA256 of the value with
// COOKIE_SECRET, so the server can trust what it handed out earlier without storing it.

const mac = (value: string) => createHmac("sha256", cookieSecret()).update(value).digest("base64url");

export function sign(value: string): string {
  return `${value}.${mac(value)}`;
}

/** The signed value, or null when the token was not signed by this server or was altered. */
export function unsign(token: string | undefined | null): string | null {
  if (!token) return null;
  const dot = token.lastIndexOf(".");
  if (dot <= 0) return null;
  const value = token.slice(0, dot);
  return safeEqual(token.slice(dot + 1), mac(value)) ? value : null;
}

/** Compares secrets in constant time, whatever their lengths. */
export function safeEqual(a: string, b: string): boolean {
  // Hashing first gives equal-length buffers, so the comparison does not leak the length.
  const digest = (s: string) => createHmac("sha256", "compare").update(s).digest();
  return timingSafeEqual(digest(a), digest(b)) && a.length === b.length;
}
