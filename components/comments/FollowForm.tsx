"use client";

import { useActionState } from "react";
import { followByEmail, type FollowState } from "@/lib/mail/subscription-actions";
import { FormMessage, SubmitButton } from "../FormStatus";

const LABELS = {
  discussion: { heading: "Follow this discussion by email", button: "Follow" },
  articles: { heading: "Get new articles by email", button: "Subscribe" },
} as const;

/** Subscribe without commenting; a plain form POST without JavaScript, in place with it. */
export function FollowForm({ kind, slug = "" }: { kind: keyof typeof LABELS; slug?: string }) {
  const [state, action] = useActionState(followByEmail, { status: "idle", email: "" } satisfies FollowState);
  const id = `follow-${kind}`;
  return (
    <form action={action} className="follow-form" noValidate>
      <input type="hidden" name="kind" value={kind} />
      <input type="hidden" name="slug" value={slug} />
      <label htmlFor={`${id}-email`}>{LABELS[kind].heading}</label>{" "}
      <input
        id={`${id}-email`}
        name="email"
        type="email"
        autoComplete="email"
        maxLength={254}
        defaultValue={state.email}
        aria-invalid={state.status === "error" || undefined}
        aria-describedby={`${id}-status`}
        placeholder="you@example.com"
      />{" "}
      <SubmitButton label={LABELS[kind].button} pendingLabel="Sending…" />
      <FormMessage id={`${id}-status`} message={state.message} error={state.status === "error"} />
    </form>
  );
}
