"use client";

import { useActionState } from "react";
import { useFormStatus } from "react-dom";
import { login } from "@/lib/server/admin-actions";

export function LoginForm() {
  const [state, formAction] = useActionState(login, {});
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
        <SignInButton />
        <p id="admin-login-error" role="status" aria-live="polite" className="form-message error">
          {state.message}
        </p>
      </div>
    </form>
  );
}

function SignInButton() {
  const { pending } = useFormStatus();
  return (
    <button type="submit" disabled={pending}>
      {pending ? "Signing in…" : "Sign in"}
    </button>
  );
}
