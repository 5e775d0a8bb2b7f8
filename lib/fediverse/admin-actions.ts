"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { isAdmin } from "../server/admin";
import { db } from "../server/db";
import { ADMIN_PATH } from "../routes";
import { blockInstance, removeFollower } from "./followers";

// The /admin followers panel's buttons (app/admin/FollowersPanel.tsx).

const followerId = z.url({ protocol: /^https?$/ }).max(2048);
const domain = z.string().min(1).max(253);

export async function removeFollowerAction(_previous: void, formData: FormData): Promise<void> {
  if (!(await isAdmin())) redirect(ADMIN_PATH);
  const id = followerId.safeParse(formData.get("id"));
  if (id.success) await removeFollower(db(), id.data);
  revalidatePath(ADMIN_PATH);
}

export async function blockInstanceAction(_previous: void, formData: FormData): Promise<void> {
  if (!(await isAdmin())) redirect(ADMIN_PATH);
  const host = domain.safeParse(formData.get("domain"));
  if (host.success) await blockInstance(db(), host.data);
  revalidatePath(ADMIN_PATH);
}
