"use client";

import { usePathname } from "next/navigation";
import { useActionState } from "react";
import { followByEmail, type FollowState } from "@/lib/mail/subscription-actions";
import { FormMessage, SubmitButton } from "../FormStatus";

const LABELS = {
  discussion: { heading: "Follow this discussion by email", button: "Follow" },
  articles: { heading: "Get new articles by email", button: "Subscribe" },
} as const;

/**
 * Subscribe without commenting; in place with JavaScript, without it a plain form POST to the page
 * it is on, opening at the form (React writes that as the form's action, which may not be empty;
 * each form's own fragment keeps the page's two apart, as React gives an answer to its permalink).
 */
export function FollowForm({ kind, slug = "" }: { kind: keyof typeof LABELS; slug?: string }) {
  const id = `follow-${kind}`;
  const permalink = `${usePathname()}#${id}`;
  const [state, action] = useActionState(followByEmail, { status: "idle", email: "" } satisfies FollowState, permalink);
  return (
    <form action={action} id={id} className="follow-form" noValidate>
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
