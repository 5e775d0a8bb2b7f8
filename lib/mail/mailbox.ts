import { createHash } from "node:crypto";

// Mailboxes: every spelling of one address is one mailbox, for counting mail to it and blocking
// it, and it is stored only as a hash (a block, a rate-limit key, a pause link), never as the address.

/**
 * The mailbox an address delivers to, for counting and blocking: lower case, and the local part
 * without its `+tag` (victim+1@example.org and Victim+2@example.org are victim@example.org's).
 * Dots are kept: only Gmail ignores them, and elsewhere a.b@ and ab@ are different people.
 */
export function mailboxKey(email: string): string {
  const address = email.trim().toLowerCase();
  const at = address.lastIndexOf("@");
  if (at < 0) return address;
  const local = address.slice(0, at);
  const plus = local.indexOf("+");
  return `${plus > 0 ? local.slice(0, plus) : local}${address.slice(at)}`;
}

/** The mailbox as it is stored (a block, a rate-limit key): a hash, so the address is not written there. */
export const mailboxHash = (email: string) =>
  createHash("sha256").update(mailboxKey(email)).digest("base64url").slice(0, 32);
