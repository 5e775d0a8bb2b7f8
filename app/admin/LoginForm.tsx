"use client";

import { useActionState } from "react";
import { login } from "@/lib/comments/admin-actions";
import { FormMessage, SubmitButton } from "@/components/FormStatus";
import { ADMIN_PATH } from "@/lib/routes";

export function LoginForm() {
  const [state, formAction] = useActionState(login, {}, ADMIN_PATH);
  return (
    <form action={formAction} className="comment-form login-form">
      <div className="field">
        <label htmlFor="admin-password">Password</label>
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
        <SubmitButton label="Sign in" pendingLabel="Signing in…" />
        <FormMessage id="admin-login-error" message={state.message} error />
      </div>
    </form>
  );
}
