"use client";

import Link from "next/link";
import { useActionState } from "react";
import { editComment, type EditState } from "@/lib/comments/actions";
import { BODY_MAX } from "@/lib/comments/limits";
import { FormMessage, SubmitButton } from "../FormStatus";
import type { EditFormWords } from "@/lib/i18n/client-words";

/**
 * Editing one's own comment in place; without JavaScript a plain form POST to `permalink`, the
 * article's address with this form open (React writes it as the form's action).
 */
export function EditCommentForm({
  id,
  slug,
  body,
  cancelHref,
  permalink,
  words,
}: {
  id: string;
  slug: string;
  body: string;
  cancelHref: string;
  permalink: string;
  words: EditFormWords;
}) {
  const [state, formAction] = useActionState(editComment, { status: "idle", body } satisfies EditState, permalink);
  const errorId = `edit-${id}-error`;
  return (
    <form action={formAction} className="comment-form edit-form" noValidate>
      <input type="hidden" name="id" value={id} />
      <input type="hidden" name="slug" value={slug} />
      <div className="field">
        <label htmlFor={`edit-${id}`}>{words["form.editLabel"]}</label>
        <textarea
          id={`edit-${id}`}
          name="body"
          rows={5}
          maxLength={BODY_MAX}
          defaultValue={state.body}
          // Opened by the reader's Edit: the focus goes where they are to type.
          autoFocus
          aria-invalid={state.status === "error" || undefined}
          aria-describedby={state.status === "error" ? errorId : undefined}
        />
      </div>
      <div className="form-footer">
        <SubmitButton label={words["form.saveEdit"]} pendingLabel={words["form.saving"]} />
        <Link href={cancelHref} scroll={false}>
          {state.status === "saved" ? words["form.done"] : words["form.cancel"]}
        </Link>
        <FormMessage id={errorId} message={state.message} error={state.status === "error"} />
      </div>
    </form>
  );
}
