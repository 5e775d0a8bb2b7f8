import { z } from "zod";
import { t } from "../i18n";

// What the mail wing takes from a form, an export or a mail's link: a reader's address and the
// kinds of subscription. Pure (zod only): the comment form's, the follow form's and the export's
// schemas read them.

/** A reader's address for mail, as the forms take it (lower-cased: one subscriber per address). */
export const emailSchema = z
  .string()
  .trim()
  // Messages as functions: said in the site's language when they are, not when this module loads.
  .max(254, { error: () => t("validation.emailTooLong") })
  .pipe(z.email({ error: () => t("validation.email") }))
  .transform((email) => email.toLowerCase());

export const SUBSCRIPTION_KINDS = ["replies", "discussion", "articles"] as const;
export type SubscriptionKind = (typeof SUBSCRIPTION_KINDS)[number];
