"use client";

import Link from "next/link";
import { useActionState } from "react";
import { useFormStatus } from "react-dom";
import { postComment, type CommentFormState } from "@/lib/comments/actions";
import { BODY_MAX, NAME_MAX, type CommentField } from "@/lib/comments/limits";
import { FormMessage } from "../FormStatus";
import type { CommentFormWords } from "@/lib/i18n/client-words";

type Props = {
  slug: string;
  /**
   * The page the form posts to without JavaScript, with the fragment the answer opens at: the
   * article's address showing this form (React writes it as the form's action, which may not be
   * empty). Unique on the page: React gives an action's answer to the form of the same permalink.
   */
  permalink: string;
  /** The form's own id, when nothing around it holds the permalink's fragment. */
  id?: string;
  /** Signed when the page was rendered: see lib/comments/spam.ts. */
  token: string;
  defaultName: string;
  parentId?: string;
  replyingTo?: string;
  cancelHref?: string;
  /** Said in the form's status line until the next action: "Thanks! Your comment is posted." */
  notice?: string;
  /** Mail is set up: offer "Email me when someone replies". */
  mail?: boolean;
  /** Its words in the site's language (lib/i18n/client-words.ts). */
  words: CommentFormWords;
};

/**
 * A new comment or a reply, posted through a server action: a plain form POST without
 * JavaScript, in place with it. "Preview" goes through the same action and renders the markdown.
 * The box for a new comment starts compact, the comment's field alone, and opens on focus to show
 * the rest (app/comments.css: `data-compact` and `.js`, so a reader without JavaScript sees it all
 * and nothing moves when the page hydrates); a reply's box opens with the focus in it.
 */
export function CommentForm(props: Props) {
  const { slug, token, defaultName, parentId, replyingTo, cancelHref, notice, mail, words } = props;
  const [state, formAction] = useActionState(
    postComment,
    {
      status: notice ? "posted" : "idle",
      message: notice,
      values: { name: defaultName, body: "" },
    } satisfies CommentFormState,
    props.permalink,
  );
  const id = (field: string) => `${parentId ? `reply-${parentId}` : "comment"}-${field}`;
  const fieldProps = (field: CommentField) => {
    const invalid = Boolean(state.errors?.[field]?.length);
    return {
      id: id(field),
      name: field,
      // React resets the form after each action; defaultValue decides what it resets to.
      defaultValue: state.values[field],
      "aria-invalid": invalid || undefined,
      "aria-describedby": invalid ? id(`${field}-error`) : undefined,
    };
  };

  return (
    <form
      action={formAction}
      id={props.id}
      className="comment-form"
      data-compact={(!parentId && state.status === "idle") || undefined}
      noValidate
    >
      <h3>{(replyingTo && words["form.replyTo"]) || words["form.leave"]}</h3>
      <input type="hidden" name="slug" value={slug} />
      <input type="hidden" name="token" value={state.token ?? token} />
      {parentId && <input type="hidden" name="parentId" value={parentId} />}
      {/* For bots only: hidden from people and from assistive technology. */}
      <div className="hp" aria-hidden="true">
        <label htmlFor={id("website")}>{words["form.website"]}</label>
        <input id={id("website")} name="website" type="text" tabIndex={-1} autoComplete="off" defaultValue="" />
      </div>
      <div className="field">
        <label htmlFor={id("body")}>{words["form.comment"]}</label>
        {/* The browser stops at the limit, so no reader sends more than the server accepts. The
            placeholder also tells CSS the box is empty (:placeholder-shown), so it stays open once written in. */}
        <textarea
          {...fieldProps("body")}
          rows={parentId ? 4 : 5}
          maxLength={BODY_MAX}
          required
          placeholder={(replyingTo && words["form.replyPlaceholder"]) || words["form.placeholder"]}
          autoFocus={Boolean(parentId)}
        />
        {/* The error sits at the field it is about, above the hint. */}
        <FieldError id={id("body-error")} messages={state.errors?.body} />
      </div>
      <div className="comment-form-more">
        <p className="hint">{words["form.markdown"]}</p>
        <div className="comment-form-who">
          <div className="field">
            <label htmlFor={id("name")}>{words["form.name"]}</label>
            <input {...fieldProps("name")} type="text" autoComplete="name" maxLength={NAME_MAX * 2} required />
            <FieldError id={id("name-error")} messages={state.errors?.name} />
          </div>
          {mail && <NotifyFields id={id} values={state.values} errors={state.errors?.email} words={words} />}
        </div>
        {state.status === "preview" && (
          <section className="comment-preview" aria-label={words["form.preview"]}>
            <p className="preview-label">{words["form.preview"]}</p>
            {/* Rendered and sanitized on the server, exactly as the comment will be shown. */}
            <div className="comment-body" dangerouslySetInnerHTML={{ __html: state.preview ?? "" }} />
          </section>
        )}
        <div className="form-footer">
          <SubmitButtons words={words} />
          {cancelHref && (
            <Link href={cancelHref} scroll={false}>
              {words["form.cancel"]}
            </Link>
          )}
          <FormMessage message={state.message} error={state.status === "error"} />
        </div>
      </div>
    </form>
  );
}

/** The optional address for reply notifications; never shown again on any page but this form's echo. */
function NotifyFields({
  id,
  values,
  errors,
  words,
}: {
  id: (field: string) => string;
  values: CommentFormState["values"];
  errors?: string[];
  words: CommentFormWords;
}) {
  const invalid = Boolean(errors?.length);
  return (
    <div className="field notify-fields">
      <label htmlFor={id("email")}>
        {words["form.email"]} <span className="label-note">{words["form.emailNote"]}</span>
      </label>
      <input
        id={id("email")}
        name="email"
        type="email"
        autoComplete="email"
        maxLength={254}
        defaultValue={values.email ?? ""}
        aria-invalid={invalid || undefined}
        aria-describedby={invalid ? id("email-error") : undefined}
      />
      <label className="checkbox">
        <input type="checkbox" name="notify" defaultChecked={values.notify ?? false} /> {words["form.notify"]}
      </label>
      <FieldError id={id("email-error")} messages={errors} />
    </div>
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

function SubmitButtons({ words }: { words: CommentFormWords }) {
  const { pending, data } = useFormStatus();
  const previewing = pending && data?.get("intent") === "preview";
  // Both disabled while the action runs, so a double click cannot post twice.
  return (
    <>
      <button type="submit" disabled={pending}>
        {pending && !previewing ? words["form.posting"] : words["form.post"]}
      </button>
      <button type="submit" name="intent" value="preview" className="secondary" disabled={pending}>
        {previewing ? words["form.rendering"] : words["form.preview"]}
      </button>
    </>
  );
}
