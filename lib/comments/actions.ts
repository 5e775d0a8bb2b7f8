"use server";

import { revalidatePath } from "next/cache";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { renderCommentForPage } from "../content/comment-markdown";
import {
  ownChangeRefused,
  postedMessage,
  submitComment,
  submitEdit,
  type EditResult,
  type SubmitResult,
} from "./service";
import { t, waitFor } from "../i18n";
import { ensureBrowserId, readViewer, rememberComment } from "./reader";
import { clientIp } from "../server/request";
import { issueFormToken } from "../server/form-token";
import { commentSubmission } from "./form-post";
import { BODY_MAX, NAME_MAX, commentBodySchema, type CommentField } from "./validation";
import { emailSchema } from "../mail/schema";
import { confirmationMessage, confirmationSince } from "../mail/subscriptions";
import { db } from "../server/db";
import { articlePath, postedCommentPath } from "../routes";
import { isAdmin } from "../server/admin";
import { ACTION_HEADER } from "../server/next-internals";

export type CommentFormState = {
  status: "idle" | "error" | "posted" | "preview";
  message?: string;
  errors?: Partial<Record<CommentField | "email", string[]>>;
  /** What the form shows after the action: the reader's text on failure, an empty body on success. */
  values: { name: string; body: string; email?: string; notify?: boolean };
  /** A fresh form token after a post, so the next comment is not taken for a double submit. */
  token?: string;
  preview?: string;
  retryAfterSeconds?: number;
};

// What is echoed back into the form is bounded too: enough to let a reader trim an over-long
// comment, never an arbitrary request body.
const echo = (value: FormDataEntryValue | null, max: number) =>
  typeof value === "string" ? value.slice(0, max * 2) : "";

const field = (formData: FormData, name: string) => {
  const value = formData.get(name);
  return typeof value === "string" ? value : null;
};

// Said whether or not the address is confirmed already, so the form does not tell who uses it.

/**
 * What became of the confirmation a posted comment's "email me" asked for: said plainly when none
 * went out (one was sent recently, or the mailbox asked never to be mailed). The comment is posted
 * either way; a failure to read it back only leaves the usual hint.
 */
async function confirmationHint(email: string, since: Date): Promise<string> {
  const address = emailSchema.safeParse(email);
  if (!address.success) return t("post.confirmHint");
  try {
    const confirmation = await confirmationSince(db(), address.data, since);
    return confirmation === "recently-sent" || confirmation === "blocked"
      ? confirmationMessage(confirmation)
      : t("post.confirmHint");
  } catch {
    return t("post.confirmHint");
  }
}

export async function postComment(_previous: CommentFormState, formData: FormData): Promise<CommentFormState> {
  const values = {
    name: echo(formData.get("name"), NAME_MAX),
    body: echo(formData.get("body"), BODY_MAX),
    email: echo(formData.get("email"), 254),
    notify: formData.get("notify") === "on",
  };
  const slug = field(formData, "slug") ?? "";

  if (formData.get("intent") === "preview") {
    const body = commentBodySchema.safeParse(formData.get("body"));
    if (!body.success) return { status: "error", errors: { body: body.error.issues.map((i) => i.message) }, values };
    return { status: "preview", preview: renderCommentForPage(body.data), values };
  }

  let result: SubmitResult;
  const since = new Date();
  try {
    result = await submitComment(commentSubmission(formData), {
      ip: await clientIp(),
      browserId: await ensureBrowserId(),
      isAuthor: await isAdmin(),
    });
    if (result.kind === "posted") await rememberComment(result.id, result.name);
  } catch {
    // The database away: the service logged it.
    return {
      status: "error",
      message: t("post.unsaved"),
      values,
    };
  }

  switch (result.kind) {
    case "posted":
    case "ignored":
      if (result.kind === "posted") {
        revalidatePath(articlePath(slug));
        revalidatePath("/");
      }
      // Without JavaScript the form is a plain POST: answer it with a redirect to the comment
      // (POST-redirect-GET), so a reload cannot post it again and the answer is not a whole page.
      // (server.ts answers most of these itself, lib/comments/form-post.ts: the author's come here.)
      if (!(await headers()).has(ACTION_HEADER)) {
        redirect(postedCommentPath(slug, result.kind === "posted" ? result.id : null));
      }
      return {
        status: "posted",
        message:
          postedMessage(result.kind === "posted" && result.pending) +
          (!values.notify
            ? ""
            : result.kind === "posted"
              ? ` ${await confirmationHint(values.email, since)}`
              : ` ${t("post.confirmHint")}`),
        values: { name: values.name, body: "", email: "", notify: false },
        token: issueFormToken(),
      };
    default:
      return refusedState(result, values);
  }
}

/** What the form shows for a comment that was not stored: the reason, and the reader's text kept. */
function refusedState(
  result: Exclude<SubmitResult, { kind: "posted" | "ignored" }>,
  values: CommentFormState["values"],
): CommentFormState {
  switch (result.kind) {
    case "invalid":
      return { status: "error", message: t("post.invalid"), errors: result.errors, values };
    case "rate-limited":
      return {
        status: "error",
        message: t("post.tooFast", { wait: waitFor(result.retryAfterSeconds) }),
        retryAfterSeconds: result.retryAfterSeconds,
        values,
      };
    case "expired":
      return {
        status: "error",
        message: t("post.expired"),
        values,
        token: issueFormToken(),
      };
    case "already-sent":
      return {
        status: "error",
        // Also what a reader whose answer was lost (a crash, a proxy retry) meets: the comment is there.
        message: t("post.alreadySent"),
        values,
      };
    case "no-parent":
      return { status: "error", message: t("post.noParent"), values };
    case "no-article":
      return { status: "error", message: t("post.noArticle"), values };
    case "locked":
      return { status: "error", message: t("comments.locked"), values };
    case "refused":
      return { status: "error", message: result.message, values };
  }
}

export type EditState = { status: "idle" | "error" | "saved"; message?: string; body: string };

export async function editComment(_previous: EditState, formData: FormData): Promise<EditState> {
  const id = field(formData, "id") ?? "";
  const slug = field(formData, "slug") ?? "";
  const raw = echo(formData.get("body"), BODY_MAX);
  let result: EditResult;
  try {
    result = await submitEdit({ id, body: formData.get("body") }, { ip: await clientIp(), viewer: await readViewer() });
  } catch {
    // The database away: the service logged it.
    return { status: "error", message: t("edit.unsaved"), body: raw };
  }
  switch (result.kind) {
    case "saved":
      revalidatePath(articlePath(slug));
      if (result.pending) revalidatePath("/"); // the index counts published comments only
      return {
        status: "saved",
        message: t(result.pending ? "edit.savedPending" : "edit.saved"),
        body: result.body,
      };
    case "invalid":
      return { status: "error", message: result.errors.join(" "), body: raw };
    case "rate-limited":
      return {
        status: "error",
        message: t("post.tooFast", { wait: waitFor(result.retryAfterSeconds) }),
        body: raw,
      };
    default:
      return { status: "error", message: ownChangeRefused(result.kind), body: raw };
  }
}
