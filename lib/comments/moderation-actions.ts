"use server";

import { redirect } from "next/navigation";
import { isAdmin } from "../server/admin";
import { articlePath } from "../routes";
import { moderateComment } from "./store";
import { setPinned, setThreadLocked } from "./moderation";
import { logCommentChange } from "../server/log";

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
  const back = articlePath(slug);
  // Every action checks the session itself: rendering the buttons only for the author protects nothing.
  if (!(await isAdmin()) || !ACTIONS.includes(action)) redirect(`${back}#comments`);
  if (action === "lock" || action === "unlock") {
    await setThreadLocked(slug, action === "lock");
    logCommentChange({ action, outcome: "done", slug, by: "author" });
    redirect(`${back}#comments`);
  }
  if (typeof id !== "string" || !ID.test(id)) redirect(`${back}#comments`);
  const found =
    action === "pin" || action === "unpin" ? await setPinned(id, action === "pin") : await moderateComment(id, action);
  logCommentChange({ action, outcome: found ? "done" : "not-found", slug, commentId: id, by: "author" });
  redirect(action === "delete" ? `${back}#comments` : `${back}#comment-${id}`);
}
