"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { attemptLogin, endSession, isAdmin, startSession } from "./admin";
import { moderate as moderateComment, MODERATIONS, type Moderation } from "../comments/service";
import { plural } from "../format";
import { clientIp } from "./request";
import { ADMIN_PATH, articlePath } from "../routes";

export type LoginState = { message?: string };

export async function login(_previous: LoginState, formData: FormData): Promise<LoginState> {
  const password = formData.get("password");
  const result = await attemptLogin(typeof password === "string" ? password : "", await clientIp());
  if (result.kind === "locked") {
    return {
      message: `Too many failed attempts. Try again in ${plural(Math.ceil(result.retryAfterSeconds / 60), "minute")}.`,
    };
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

export async function moderate(formData: FormData): Promise<void> {
  // Every action checks the session itself: rendering the form only for admins protects nothing.
  if (!(await isAdmin())) redirect(ADMIN_PATH);
  const id = formData.get("id");
  const action = formData.get("action");
  const slug = formData.get("slug");
  if (typeof id !== "string" || !MODERATIONS.includes(action as Moderation)) return;
  await moderateComment(id, action as Moderation);
  if (typeof slug === "string") revalidatePath(articlePath(slug));
  revalidatePath(ADMIN_PATH);
  revalidatePath("/");
}
