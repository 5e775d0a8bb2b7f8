"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getArticle } from "@/lib/articles";
import { createComment } from "@/lib/comments";
import { BODY_MAX, NAME_MAX, commentInputSchema, type CommentField } from "@/lib/validations/comment";

export type CommentFormState = {
  status: "idle" | "error" | "posted";
  message?: string;
  errors?: Partial<Record<CommentField, string[]>>;
  /** What the form shows after the action: the reader's text on failure, an empty body on success. */
  values: { name: string; body: string };
};

// What is echoed back into the form is bounded too: enough to let a reader trim an over-long
// comment, never an arbitrary request body.
const echo = (value: FormDataEntryValue | null, max: number) =>
  typeof value === "string" ? value.slice(0, max * 2) : "";

export async function postComment(_previous: CommentFormState, formData: FormData): Promise<CommentFormState> {
  const values = { name: echo(formData.get("name"), NAME_MAX), body: echo(formData.get("body"), BODY_MAX) };
  const slug = formData.get("slug");
  if (typeof slug !== "string" || !(await getArticle(slug))) {
    return { status: "error", message: "This article cannot be found, so the comment was not posted.", values };
  }

  const parsed = commentInputSchema.safeParse({ name: formData.get("name"), body: formData.get("body") });
  if (!parsed.success) {
    return {
      status: "error",
      message: "Please correct the highlighted fields.",
      errors: z.flattenError(parsed.error).fieldErrors,
      values,
    };
  }

  try {
    await createComment(slug, parsed.data);
  } catch (error) {
    console.error(`comments: cannot store a comment on "${slug}"`, error);
    return {
      status: "error",
      message: "Your comment could not be saved right now. Please try again in a moment.",
      values,
    };
  }

  revalidatePath(`/articles/${slug}`);
  return { status: "posted", message: "Thanks! Your comment is posted.", values: { name: parsed.data.name, body: "" } };
}
