"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { isAdmin } from "../server/admin";
import { articleUrl, commentAnchor } from "../routes";
import { banAuthor, BLOCK_DAYS, lockDiscussion, moderate } from "./service";
import { BAN_KINDS, BLOCK_ACTIONS, type BlockAction } from "./blocklist";
import { db } from "../server/db";
import { linkClicksLimited, linkToken, redeemMailToken } from "../mail/subscriptions";

// The author's buttons on the article page (forms with the article's address, components/ActionForm):
// without JavaScript each is a POST answered by a redirect back to the comment (POST-redirect-GET),
// so a reload repeats nothing.

const ACTIONS = ["hide", "unhide", "delete", "pin", "unpin", "lock", "unlock"] as const;
type PageModeration = (typeof ACTIONS)[number];

const SLUG = /^[a-z0-9-]{1,200}$/;
const ID = /^[A-Za-z0-9_-]{1,64}$/;

export async function moderateOnPage(_previous: void, formData: FormData): Promise<void> {
  const slug = formData.get("slug");
  const id = formData.get("id");
  const action = formData.get("action") as PageModeration;
  if (typeof slug !== "string" || !SLUG.test(slug)) redirect("/");
  const discussion = articleUrl(slug, undefined, "comments");
  // Every action checks the session itself: rendering the buttons only for the author protects nothing.
  if (!(await isAdmin()) || !ACTIONS.includes(action)) redirect(discussion);
  if (action === "lock" || action === "unlock") {
    await lockDiscussion(slug, action === "lock");
    redirect(discussion);
  }
  if (typeof id !== "string" || !ID.test(id)) redirect(discussion);
  await moderate(id, action);
  redirect(action === "delete" ? discussion : articleUrl(slug, undefined, commentAnchor(id)));
}

/** "Ban author" after its confirmation form: the bans, then back to the comment, which shows what became of it. */
export async function banOnPage(_previous: void, formData: FormData): Promise<void> {
  const slug = formData.get("slug");
  const id = formData.get("id");
  if (typeof slug !== "string" || !SLUG.test(slug)) redirect("/");
  const discussion = articleUrl(slug, undefined, "comments");
  if (!(await isAdmin()) || typeof id !== "string" || !ID.test(id)) redirect(discussion);
  const by = formData.getAll("by").filter((v): v is (typeof BAN_KINDS)[number] => BAN_KINDS.includes(v as never));
  const action = formData.get("banAction");
  const days = Number(formData.get("days"));
  const result = await banAuthor(id, {
    by,
    action: BLOCK_ACTIONS.includes(action as BlockAction) ? (action as BlockAction) : "shadow",
    days: (BLOCK_DAYS as readonly number[]).includes(days) ? days : null,
    shadowExisting: formData.get("shadowExisting") === "on",
  });
  // Nothing chosen to ban by: the form again, which says what it can ban by.
  if (result.kind === "nothing") redirect(articleUrl(slug, `ban=${encodeURIComponent(id)}`, commentAnchor(id)));
  redirect(articleUrl(slug, result.kind === "banned" ? "banned=1" : undefined, commentAnchor(id)));
}

/** The button of the page a notification's "hide" or "approve" link opens (app/email/moderate). */
export async function moderateFromMail(formData: FormData): Promise<void> {
  if (await linkClicksLimited()) redirect(`/email/moderate?result=busy`);
  const used = await redeemMailToken(db(), linkToken(formData));
  if (used.kind !== "ok") redirect(`/email/moderate?result=${used.kind}`);
  if (used.purpose === "confirm") redirect(`/email/moderate?result=invalid`);
  const found = await moderate(used.subject, used.purpose);
  revalidatePath("/", "layout");
  redirect(`/email/moderate?result=${found ? `done-${used.purpose}` : "gone"}`);
}
