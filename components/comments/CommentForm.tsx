"use client";

import { useActionState } from "react";
import { useFormStatus } from "react-dom";
import { postComment, type CommentFormState } from "@/app/articles/[slug]/actions";
import { BODY_MAX, NAME_MAX, type CommentField } from "@/lib/validations/comment";

const initialState: CommentFormState = { status: "idle", values: { name: "", body: "" } };

/** Posts through a server action: a plain form POST without JavaScript, in place with it. */
export function CommentForm({ slug }: { slug: string }) {
  const [state, formAction] = useActionState(postComment, initialState);
  const fieldProps = (field: CommentField) => {
    const invalid = Boolean(state.errors?.[field]?.length);
    return {
      id: `comment-${field}`,
      name: field,
      // React resets the form after each action; defaultValue decides what it resets to.
      defaultValue: state.values[field],
      "aria-invalid": invalid || undefined,
      "aria-describedby": invalid ? `comment-${field}-error` : undefined,
    };
  };

  return (
    <form action={formAction} className="comment-form" noValidate>
      <h3>Leave a comment</h3>
      <input type="hidden" name="slug" value={slug} />
      <div className="field">
        <label htmlFor="comment-name">Name</label>
        <input {...fieldProps("name")} type="text" autoComplete="name" maxLength={NAME_MAX * 2} required />
        <FieldError id="comment-name-error" messages={state.errors?.name} />
      </div>
      <div className="field">
        <label htmlFor="comment-body">Comment</label>
        <textarea {...fieldProps("body")} rows={6} required />
        <FieldError id="comment-body-error" messages={state.errors?.body} />
      </div>
      <div className="form-footer">
        <SubmitButton />
        <p role="status" aria-live="polite" className={state.status === "error" ? "form-message error" : "form-message"}>
          {state.message}
        </p>
      </div>
    </form>
  );
}

function FieldError({ id, messages }: { id: string; messages?: string[] }) {
  if (!messages?.length) return null;
  return (
    <p id={id} className="field-error">
      {messages.join(" ")}
    </p>
  );
}

function SubmitButton() {
  const { pending } = useFormStatus();
  // Disabled while the action runs, so a double click cannot post twice.
  return (
    <button type="submit" disabled={pending} aria-disabled={pending}>
      {pending ? "Posting…" : "Post comment"}
    </button>
  );
}
