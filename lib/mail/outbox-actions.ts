"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { isAdmin } from "../server/admin";
import { db } from "../server/db";
import { retryNow } from "./outbox";
import { wakeSender } from "./sender";

/** "Retry now" on a failing message: back to the front of the queue, and the sender woken. */
export async function retryOutboxMessage(_previous: void, formData: FormData): Promise<void> {
  if (!(await isAdmin())) redirect("/admin");
  const id = formData.get("id");
  if (typeof id === "string") await retryNow(db(), id);
  wakeSender();
  revalidatePath("/admin");
}
