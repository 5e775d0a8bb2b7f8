"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getArticle } from "@/lib/articles";
import { renderCommentMarkdown } from "@/lib/comment-markdown";
import { createComment, deleteOwnComment, editOwnComment, toggleReaction } from "@/lib/comments";
import { check as checkRate, record as recordRate } from "@/lib/rate-limit";
import { ensureBrowserId, readViewer, rememberComment } from "@/lib/reader";
import { clientIp } from "@/lib/request";
import { settings } from "@/lib/settings";
import { checkFormToken, HONEYPOT_FIELD, issueFormToken } from "@/lib/spam";
import { BODY_MAX, NAME_MAX, commentBodySchema, commentInputSchema, type CommentField } from "@/lib/validations/comment";

export type CommentFormState = {
  status: "idle" | "error" | "posted" | "preview";
  message?: string;
  errors?: Partial<Record<CommentField, string[]>>;
  /** What the form shows after the action: the reader's text on failure, an empty body on success. */
  values: { name: string; body: string };
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

function waitFor(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? "" : "s"}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? "" : "s"}`;
}

const articlePath = (slug: string) => `/articles/${slug}`;

export async function postComment(_previous: CommentFormState, formData: FormData): Promise<CommentFormState> {
  const values = { name: echo(formData.get("name"), NAME_MAX), body: echo(formData.get("body"), BODY_MAX) };
  const slug = field(formData, "slug");
  if (!slug || !(await getArticle(slug))) {
    return { status: "error", message: "This article cannot be found, so the comment was not posted.", values };
  }

  if (formData.get("intent") === "preview") {
    const body = commentBodySchema.safeParse(formData.get("body"));
    if (!body.success) return { status: "error", errors: { body: body.error.issues.map((i) => i.message) }, values };
    return { status: "preview", preview: renderCommentMarkdown(body.data), values };
  }

  // Bots are told their comment went through; nothing is stored.
  const pretendPosted: CommentFormState = { status: "posted", message: "Thanks! Your comment is posted.", values: { name: values.name, body: "" } };
  if (field(formData, HONEYPOT_FIELD)) return pretendPosted;
  const token = checkFormToken(formData.get("token"));
  if (token.kind === "too-fast") return pretendPosted;
  if (token.kind === "invalid") {
    return { status: "error", message: "This form had expired. Please post your comment again.", values, token: issueFormToken() };
  }

  const parsed = commentInputSchema.safeParse({ name: formData.get("name"), body: formData.get("body") });
  if (!parsed.success) {
    return { status: "error", message: "Please correct the highlighted fields.", errors: z.flattenError(parsed.error).fieldErrors, values };
  }

  const config = settings();
  const rateKey = `comment:${await clientIp()}`;
  const windows = [
    { limit: config.COMMENT_RATE_PER_MINUTE, seconds: 60 },
    { limit: config.COMMENT_RATE_PER_HOUR, seconds: 3600 },
  ];
  try {
    const rate = await checkRate(rateKey, windows);
    if (!rate.ok) {
      return {
        status: "error",
        message: `You are commenting faster than we allow. Please try again in ${waitFor(rate.retryAfterSeconds)}.`,
        retryAfterSeconds: rate.retryAfterSeconds,
        values,
      };
    }
    const result = await createComment({
      slug,
      parentId: field(formData, "parentId"),
      name: parsed.data.name,
      body: parsed.data.body,
      status: config.COMMENTS_MODERATION === "pre" ? "pending" : "published",
      submissionId: token.submissionId,
      browserId: await ensureBrowserId(),
    });
    if (result.kind === "parent-not-found") {
      return { status: "error", message: "The comment you replied to is no longer there.", values };
    }
    if (result.kind === "created") await recordRate(rateKey, windows);
    await rememberComment(result.id, parsed.data.name);
  } catch (error) {
    console.error(`comments: cannot store a comment on "${slug}"`, error);
    return { status: "error", message: "Your comment could not be saved right now. Please try again in a moment.", values };
  }

  revalidatePath(articlePath(slug));
  revalidatePath("/");
  return {
    status: "posted",
    message:
      config.COMMENTS_MODERATION === "pre"
        ? "Thanks! Your comment is awaiting moderation."
        : "Thanks! Your comment is posted.",
    values: { name: parsed.data.name, body: "" },
    token: issueFormToken(),
  };
}

export type EditState = { status: "idle" | "error" | "saved"; message?: string; body: string };

export async function editComment(_previous: EditState, formData: FormData): Promise<EditState> {
  const id = field(formData, "id") ?? "";
  const slug = field(formData, "slug") ?? "";
  const raw = echo(formData.get("body"), BODY_MAX);
  const body = commentBodySchema.safeParse(formData.get("body"));
  if (!body.success) return { status: "error", message: body.error.issues.map((i) => i.message).join(" "), body: raw };
  try {
    const result = await editOwnComment(id, body.data, await readViewer(), settings().COMMENT_EDIT_MINUTES);
    if (result.kind !== "ok") return { status: "error", message: ownChangeRefused(result.kind), body: raw };
  } catch (error) {
    console.error(`comments: cannot edit comment ${id}`, error);
    return { status: "error", message: "Your edit could not be saved right now. Please try again.", body: raw };
  }
  revalidatePath(articlePath(slug));
  return { status: "saved", message: "Your edit is saved.", body: body.data };
}

function ownChangeRefused(kind: "not-yours" | "not-found" | "too-late"): string {
  if (kind === "not-yours") return "You can only change comments posted from this browser.";
  if (kind === "not-found") return "That comment is no longer there.";
  return `Comments can only be changed for ${settings().COMMENT_EDIT_MINUTES} minutes after posting.`;
}

export type SimpleState = { message?: string; error?: boolean };

export async function deleteComment(_previous: SimpleState, formData: FormData): Promise<SimpleState> {
  const id = field(formData, "id") ?? "";
  const slug = field(formData, "slug") ?? "";
  try {
    const result = await deleteOwnComment(id, await readViewer(), settings().COMMENT_EDIT_MINUTES);
    if (result.kind !== "ok") return { message: ownChangeRefused(result.kind), error: true };
  } catch (error) {
    console.error(`comments: cannot delete comment ${id}`, error);
    return { message: "The comment could not be deleted right now. Please try again.", error: true };
  }
  revalidatePath(articlePath(slug));
  revalidatePath("/");
  return { message: "Your comment is deleted." };
}

export async function reactToComment(_previous: SimpleState, formData: FormData): Promise<SimpleState> {
  const id = field(formData, "id") ?? "";
  const slug = field(formData, "slug") ?? "";
  try {
    const result = await toggleReaction(id, await ensureBrowserId());
    if (!result) return { message: "That comment can no longer take reactions.", error: true };
  } catch (error) {
    console.error(`comments: cannot react to comment ${id}`, error);
    return { message: "Your reaction could not be saved right now.", error: true };
  }
  revalidatePath(articlePath(slug));
  return {};
}
