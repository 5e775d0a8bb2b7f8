"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { isAdmin } from "../server/admin";
import { db } from "../server/db";
import { setAuthorMailPaused } from "./author-mail";

/** /admin's switch of the author's new-comment mails (paused by their List-Unsubscribe). */
export async function switchAuthorMail(_previous: void, formData: FormData): Promise<void> {
  if (!(await isAdmin())) redirect("/admin");
  await setAuthorMailPaused(db(), formData.get("paused") === "1");
  revalidatePath("/admin");
}
