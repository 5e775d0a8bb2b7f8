"use client";

import { usePathname } from "next/navigation";
import { useActionState } from "react";
import { followByEmail, type FollowState } from "@/lib/mail/subscription-actions";
import { FormMessage, SubmitButton } from "../FormStatus";
import type { FollowFormWords } from "@/lib/i18n/client-words";

const LABELS = {
  discussion: { heading: "follow.discussion", button: "follow.discussionButton" },
  articles: { heading: "follow.articles", button: "follow.articlesButton" },
} as const;

/**
 * Subscribe without commenting; in place with JavaScript, without it a plain form POST to the page
 * it is on, opening at the form (React writes that as the form's action, which may not be empty;
 * each form's own fragment keeps the page's two apart, as React gives an answer to its permalink).
 */
export function FollowForm({
  kind,
  slug = "",
  words,
}: {
  kind: keyof typeof LABELS;
  slug?: string;
  /** Its words in the site's language (lib/i18n/client-words.ts). */
  words: FollowFormWords;
}) {
  const id = `follow-${kind}`;
  const permalink = `${usePathname()}#${id}`;
  const [state, action] = useActionState(followByEmail, { status: "idle", email: "" } satisfies FollowState, permalink);
  return (
    <form action={action} id={id} className="follow-form" noValidate>
      <input type="hidden" name="kind" value={kind} />
      <input type="hidden" name="slug" value={slug} />
      <label htmlFor={`${id}-email`}>{words[LABELS[kind].heading]}</label>{" "}
      <input
        id={`${id}-email`}
        name="email"
        type="email"
        autoComplete="email"
        maxLength={254}
        defaultValue={state.email}
        aria-invalid={state.status === "error" || undefined}
        aria-describedby={`${id}-status`}
        placeholder={words["follow.placeholder"]}
      />{" "}
      <SubmitButton label={words[LABELS[kind].button]} pendingLabel={words["follow.sending"]} />
      <FormMessage id={`${id}-status`} message={state.message} error={state.status === "error"} />
    </form>
  );
}
