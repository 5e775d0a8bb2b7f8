"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { moderateComment } from "@/lib/comments";
import { confirmAddress, readUnsubscribeToken, unsubscribe, redeemMailToken } from "@/lib/comments/subscriptions";
import { db } from "@/lib/db";
import { consume } from "@/lib/rate-limit";
import { clientIp } from "@/lib/request";

// The buttons of the pages mail links open. The links only show a page: a mail scanner that
// follows every link changes nothing; the reader's click on the button does.

const token = (formData: FormData) => {
  const value = formData.get("t");
  return typeof value === "string" ? value : "";
};

/** Link pages are writes too: at most 30 clicks a minute per address. */
async function limited(): Promise<boolean> {
  return !(await consume(`email-link:${await clientIp()}`, [{ limit: 30, seconds: 60 }])).ok;
}

export async function confirmSubscription(formData: FormData): Promise<void> {
  const t = token(formData);
  if (await limited()) redirect(`/email/confirm?result=busy`);
  const result = await confirmAddress(db(), t);
  redirect(`/email/confirm?result=${result}`);
}

export async function stopMails(formData: FormData): Promise<void> {
  const target = readUnsubscribeToken(token(formData));
  if (await limited()) redirect(`/email/unsubscribe?result=busy`);
  if (!target) redirect(`/email/unsubscribe?result=invalid`);
  const result = await unsubscribe(db(), target);
  redirect(`/email/unsubscribe?result=${target.kind === "all" ? "all" : "one"}-${result}`);
}

export async function moderateFromMail(formData: FormData): Promise<void> {
  if (await limited()) redirect(`/email/moderate?result=busy`);
  const used = await redeemMailToken(db(), token(formData));
  if (used.kind !== "ok") redirect(`/email/moderate?result=${used.kind}`);
  if (used.purpose === "confirm") redirect(`/email/moderate?result=invalid`);
  const found = await moderateComment(used.subject, used.purpose);
  revalidatePath("/", "layout");
  redirect(`/email/moderate?result=${found ? `done-${used.purpose}` : "gone"}`);
}
