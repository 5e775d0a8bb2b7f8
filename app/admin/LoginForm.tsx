"use client";

import { useActionState } from "react";
import { login } from "@/lib/comments/admin-actions";
import { FormMessage, SubmitButton } from "@/components/FormStatus";
import { ADMIN_PATH } from "@/lib/routes";

/** `words`: its three words in the site's language. */
export function LoginForm({ words }: { words: Record<"admin.password" | "admin.signIn" | "admin.signingIn", string> }) {
  const [state, formAction] = useActionState(login, {}, ADMIN_PATH);
  return (
    <form action={formAction} className="comment-form login-form">
      <div className="field">
        <label htmlFor="admin-password">{words["admin.password"]}</label>
        <input
          id="admin-password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          aria-describedby={state.message ? "admin-login-error" : undefined}
        />
      </div>
      <div className="form-footer">
        <SubmitButton label={words["admin.signIn"]} pendingLabel={words["admin.signingIn"]} />
        <FormMessage id="admin-login-error" message={state.message} error />
      </div>
    </form>
  );
}
