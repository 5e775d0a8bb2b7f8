"use client";

import { useActionState, type FormHTMLAttributes } from "react";

/**
 * A server action's form (moderation, sign-out, retries) with a real address: React writes
 * `action=""` for a server action handed straight to a form, which HTML forbids; given through
 * useActionState with a permalink, the form posts to that page instead, JavaScript or not. The
 * action takes the previous state first, as useActionState calls it, and answers nothing: it
 * redirects or revalidates.
 */
export function ActionForm({
  action,
  permalink,
  ...form
}: {
  action: (previous: void, formData: FormData) => Promise<void>;
  permalink: string;
} & Omit<FormHTMLAttributes<HTMLFormElement>, "action">) {
  const [, formAction] = useActionState(action, undefined, permalink);
  return <form action={formAction} {...form} />;
}
