"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { attemptLogin, endSession, isAdmin, startSession } from "./admin";
import { moderateComment, type Moderation } from "../comments/store";
import { clientIp } from "./request";
import { logCommentChange, logger } from "./log";
import { ADMIN_PATH, articlePath } from "../routes";

export type LoginState = { message?: string };

export async function login(_previous: LoginState, formData: FormData): Promise<LoginState> {
  const password = formData.get("password");
  const result = await attemptLogin(typeof password === "string" ? password : "", await clientIp());
  // Who tried is in the rate-limit rows; the log says what came of it.
  logger().info({ event: "admin-login", outcome: result.kind }, "admin login");
  if (result.kind === "locked") {
    const minutes = Math.ceil(result.retryAfterSeconds / 60);
    return { message: `Too many failed attempts. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.` };
  }
  if (result.kind === "disabled") return { message: "The admin is disabled: ADMIN_PASSWORD is not set." };
  if (result.kind === "wrong") return { message: "That password is not right." };
  await startSession(result.session);
  redirect(ADMIN_PATH);
}

export async function logout(): Promise<void> {
  await endSession();
  redirect(ADMIN_PATH);
}

const MODERATIONS: readonly Moderation[] = ["approve", "hide", "unhide", "delete"];

export async function moderate(formData: FormData): Promise<void> {
  // Every action checks the session itself: rendering the form only for admins protects nothing.
  if (!(await isAdmin())) redirect(ADMIN_PATH);
  const id = formData.get("id");
  const action = formData.get("action");
  const slug = formData.get("slug");
  if (typeof id !== "string" || !MODERATIONS.includes(action as Moderation)) return;
  const found = await moderateComment(id, action as Moderation);
  logCommentChange({
    action: action as Moderation,
    outcome: found ? "done" : "not-found",
    commentId: id,
    by: "admin",
    ...(typeof slug === "string" ? { slug } : {}),
  });
  if (typeof slug === "string") revalidatePath(articlePath(slug));
  revalidatePath(ADMIN_PATH);
  revalidatePath("/");
}
