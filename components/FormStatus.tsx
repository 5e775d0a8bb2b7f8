"use client";

import { useFormStatus } from "react-dom";

/** A form's submit button, disabled with its pending label while the action runs (no double submit). */
export function SubmitButton({ label, pendingLabel }: { label: string; pendingLabel: string }) {
  const { pending } = useFormStatus();
  return (
    <button type="submit" disabled={pending}>
      {pending ? pendingLabel : label}
    </button>
  );
}

/**
 * What a form's action answered, read out by screen readers as it changes (inputs point at it by
 * aria-describedby, so give it an `id` where they do). Always rendered, so the live region exists
 * before its first message.
 */
export function FormMessage({ id, message, error }: { id?: string; message?: string; error: boolean }) {
  return (
    <p id={id} role="status" aria-live="polite" className={error ? "form-message error" : "form-message"}>
      {message}
    </p>
  );
}
