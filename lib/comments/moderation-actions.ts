"use server";

import { redirect } from "next/navigation";
import { isAdmin } from "../server/admin";
import { articleUrl, commentAnchor } from "../routes";
import { lockDiscussion, moderate } from "./service";

// The author's buttons on the article page. Plain forms: without JavaScript each is a POST
// answered by a redirect back to the comment (POST-redirect-GET), so a reload repeats nothing.

const ACTIONS = ["hide", "unhide", "delete", "pin", "unpin", "lock", "unlock"] as const;
type PageModeration = (typeof ACTIONS)[number];

const SLUG = /^[a-z0-9-]{1,200}$/;
const ID = /^[A-Za-z0-9_-]{1,64}$/;

export async function moderateOnPage(formData: FormData): Promise<void> {
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
