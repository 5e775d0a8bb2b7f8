import { z } from "zod";

// What the mail wing takes from a form, an export or a mail's link: a reader's address and the
// kinds of subscription. Pure (zod only): the comment form's, the follow form's and the export's
// schemas read them.

/** A reader's address for mail, as the forms take it (lower-cased: one subscriber per address). */
export const emailSchema = z
  .string()
  .trim()
  .max(254, "That address is too long.")
  .pipe(z.email("That does not look like an email address."))
  .transform((email) => email.toLowerCase());

export const SUBSCRIPTION_KINDS = ["replies", "discussion", "articles"] as const;
export type SubscriptionKind = (typeof SUBSCRIPTION_KINDS)[number];
