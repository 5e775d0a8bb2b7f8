"use server";

import { redirect } from "next/navigation";
import { getArticle } from "../content/articles";
import {
  confirmAddress,
  readUnsubscribeToken,
  linkClicksLimited,
  linkToken,
  subscribe,
  unsubscribe,
  confirmationMessage,
  type Confirmation,
} from "./subscriptions";
import { emailSchema } from "./schema";
import { db } from "../server/db";
import { consume } from "../server/rate-limit";
import { t, waitFor } from "../i18n";
import { clientIp } from "../server/request";
import { addressKey } from "../server/address-key";
import { mailEnabled } from "./mail";
import { wakeSender } from "./sender";

// The buttons of the pages mail links open. The links only show a page: a mail scanner that
// follows every link changes nothing; the reader's click on the button does.

export async function confirmSubscription(formData: FormData): Promise<void> {
  const t = linkToken(formData);
  if (await linkClicksLimited()) redirect(`/email/confirm?result=busy`);
  const result = await confirmAddress(db(), t);
  redirect(`/email/confirm?result=${result}`);
}

export async function stopMails(formData: FormData): Promise<void> {
  const target = readUnsubscribeToken(linkToken(formData));
  if (await linkClicksLimited()) redirect(`/email/unsubscribe?result=busy`);
  if (!target) redirect(`/email/unsubscribe?result=invalid`);
  const result = await unsubscribe(db(), target);
  redirect(`/email/unsubscribe?result=${target.kind}-${result}`);
}

export type FollowState = { status: "idle" | "error" | "done"; message?: string; email: string };

/** "Follow this discussion by email" and "Get new articles by email": a confirmation mail first. */
export async function followByEmail(_previous: FollowState, formData: FormData): Promise<FollowState> {
  const raw = typeof formData.get("email") === "string" ? String(formData.get("email")).slice(0, 300) : "";
  if (!mailEnabled()) return { status: "error", message: t("follow.noMail"), email: raw };
  const kind = formData.get("kind") === "articles" ? "articles" : "discussion";
  const slug = typeof formData.get("slug") === "string" ? String(formData.get("slug")) : "";
  const email = emailSchema.safeParse(raw);
  if (!email.success) return { status: "error", message: email.error.issues[0].message, email: raw };
  if (kind === "discussion" && !(await getArticle(slug)))
    return { status: "error", message: t("follow.noArticle"), email: raw };
  const rate = await consume(`follow:${addressKey(await clientIp())}`, [{ limit: 5, seconds: 600 }]);
  if (!rate.ok)
    return {
      status: "error",
      message: t("follow.tooMany", { wait: waitFor(rate.retryAfterSeconds) }),
      email: raw,
    };
  let confirmation: Confirmation;
  try {
    ({ confirmation } = await db().$transaction((tx) =>
      subscribe(tx as never, { email: email.data, kind, target: kind === "articles" ? "" : slug }),
    ));
  } catch (error) {
    console.error("mail: cannot record a subscription", error);
    return { status: "error", message: t("follow.unsaved"), email: raw };
  }
  wakeSender();
  // The same answer whether the address was confirmed or new: the form tells nobody who subscribed.
  return { status: "done", message: confirmationMessage(confirmation), email: "" };
}
