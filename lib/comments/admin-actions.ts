"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { attemptLogin, endSession, isAdmin, startSession } from "../server/admin";
import { addBlock, banAuthors, MAX_BULK, moderateMany, removeBlock, type BlockField } from "./service";
import { backQuery, BULK_ACTIONS, COMMENT_ID, moderationUrl, type BulkAction } from "./moderation-query";
import { t } from "../i18n";
import { clientIp } from "../server/request";
import { ADMIN_PATH } from "../routes";
import { logger } from "../server/log";

export type LoginState = { message?: string };

export async function login(_previous: LoginState, formData: FormData): Promise<LoginState> {
  const password = formData.get("password");
  const result = await attemptLogin(typeof password === "string" ? password : "", await clientIp());
  // Who tried is in the rate-limit rows; the log says what came of it.
  logger().info({ event: "admin-login", outcome: result.kind }, "admin login");
  if (result.kind === "locked") {
    return {
      message: t("admin.login.tooMany", {
        wait: t("wait.minutes", { count: Math.ceil(result.retryAfterSeconds / 60) }),
      }),
    };
  }
  if (result.kind === "disabled") return { message: t("admin.login.disabled") };
  if (result.kind === "wrong") return { message: t("admin.login.wrong") };
  await startSession(result.session);
  redirect(ADMIN_PATH);
}

export async function logout(_previous?: void): Promise<void> {
  await endSession();
  redirect(ADMIN_PATH);
}

/**
 * The moderation list's one form: a row's button names its action and comment (`row=hide:<id>`),
 * the bar's buttons act on the ticked comments (`ids`). Deleting asks first: the list comes back
 * with a confirmation naming the comments, whose button sends `confirmed=yes`. Then back to the
 * same list (POST-redirect-GET), saying what was done.
 */
export async function moderateSelected(_previous: void, formData: FormData): Promise<void> {
  if (!(await isAdmin())) redirect(ADMIN_PATH);
  const query = backQuery(formData.get("back"));
  const row = formData.get("row");
  const [action, ids] =
    typeof row === "string"
      ? [row.split(":")[0], [row.slice(row.indexOf(":") + 1)]]
      : [formData.get("action"), formData.getAll("ids")];
  const valid = [...new Set(ids.filter((id): id is string => typeof id === "string" && COMMENT_ID.test(id)))].slice(
    0,
    MAX_BULK,
  );
  if (!BULK_ACTIONS.includes(action as BulkAction)) redirect(moderationUrl(query));
  if (valid.length === 0) redirect(moderationUrl(query, {}, { done: "none" }));
  if (action === "delete" && formData.get("confirmed") !== "yes")
    redirect(moderationUrl(query, {}, { confirm: valid.join(",") }, "confirm-delete"));
  const count =
    action === "ban" ? await banAuthors(valid) : await moderateMany(valid, action as Exclude<BulkAction, "ban">);
  revalidatePath("/", "layout");
  redirect(moderationUrl(query, {}, { done: String(action), n: String(count) }));
}

export type BlockFormValues = { kind: string; value: string; action: string; note: string; days: string };
export type BlockFormState = {
  status: "idle" | "saved" | "error";
  message?: string;
  errors?: Partial<Record<BlockField, string[]>>;
  values: BlockFormValues;
};

const text = (formData: FormData, name: string, max: number) => {
  const value = formData.get(name);
  return typeof value === "string" ? value.slice(0, max) : "";
};

/** Adds a ban or blocklist entry from /admin; on a mistake the form comes back with what was typed. */
export async function saveBlockEntry(_previous: BlockFormState, formData: FormData): Promise<BlockFormState> {
  const values: BlockFormValues = {
    kind: text(formData, "kind", 20),
    value: text(formData, "value", 400),
    action: text(formData, "action", 20),
    note: text(formData, "note", 400),
    days: text(formData, "days", 10),
  };
  if (!(await isAdmin())) return { status: "error", message: t("admin.block.sessionEnded"), values };
  const result = await addBlock({ ...values, days: values.days || null });
  if (result.kind === "invalid") return { status: "error", message: t("post.invalid"), errors: result.errors, values };
  revalidatePath(ADMIN_PATH);
  return {
    status: "saved",
    message: t("admin.block.saved", { kind: result.rule.kind, value: result.rule.value }),
    values: { kind: values.kind, value: "", action: values.action, note: "", days: values.days },
  };
}

/** Lifts a ban or removes a blocklist entry. */
export async function removeBlockEntry(_previous: void, formData: FormData): Promise<void> {
  if (!(await isAdmin())) redirect(ADMIN_PATH);
  const id = formData.get("id");
  if (typeof id === "string" && COMMENT_ID.test(id)) await removeBlock(id);
  revalidatePath(ADMIN_PATH);
  redirect(moderationUrl(backQuery(formData.get("back")), {}, {}, "bans"));
}
