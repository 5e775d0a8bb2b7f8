"use client";

import { useActionState } from "react";
import { useFormStatus } from "react-dom";
import { saveBlockEntry, type BlockFormState } from "@/lib/comments/admin-actions";
import { ADMIN_PATH } from "@/lib/routes";

// Adding a ban or blocklist entry. A server action: without JavaScript the form is a plain POST
// and the page comes back with the message, and what was typed when something is wrong.

const INITIAL: BlockFormState = {
  status: "idle",
  values: { kind: "word", value: "", action: "queue", note: "", days: "" },
};

export function BlockForm() {
  const [state, formAction] = useActionState(saveBlockEntry, INITIAL, ADMIN_PATH);
  const error = (field: keyof NonNullable<BlockFormState["errors"]>) => state.errors?.[field]?.join(" ");
  const valueError = error("value");
  const actionError = error("action");
  return (
    <form action={formAction} className="admin-block-form" key={state.status === "saved" ? state.message : "form"}>
      <h3>Add a ban or a blocked word</h3>
      <label>
        Block
        <select name="kind" defaultValue={state.values.kind}>
          <option value="word">a word or phrase</option>
          <option value="domain">links to a domain</option>
          <option value="name">a name</option>
          <option value="address">an address or range</option>
          <option value="browser">a browser id</option>
        </select>
      </label>
      <label>
        Value
        <input
          name="value"
          required
          maxLength={200}
          defaultValue={state.values.value}
          aria-invalid={valueError ? true : undefined}
          aria-describedby={valueError ? "block-value-error" : undefined}
        />
      </label>
      <label>
        Such comments are
        <select
          name="action"
          defaultValue={state.values.action}
          aria-invalid={actionError ? true : undefined}
          aria-describedby={actionError ? "block-action-error" : undefined}
        >
          <option value="queue">sent to the queue</option>
          <option value="refuse">refused (the reader is told)</option>
          <option value="shadow">shown to their author alone (bans only)</option>
        </select>
      </label>
      <label>
        For
        <select name="days" defaultValue={state.values.days}>
          <option value="">good (until removed)</option>
          <option value="1">a day</option>
          <option value="7">a week</option>
          <option value="30">a month</option>
          <option value="365">a year</option>
        </select>
      </label>
      <label>
        Note (for you)
        <input name="note" maxLength={200} defaultValue={state.values.note} />
      </label>
      <AddButton />
      {valueError && (
        <p id="block-value-error" className="field-error">
          {valueError}
        </p>
      )}
      {actionError && (
        <p id="block-action-error" className="field-error">
          {actionError}
        </p>
      )}
      {/* A live region without the status role: the page's one status is the notice at its top. */}
      <p aria-live="polite" className={`form-message${state.status === "error" ? " error" : ""}`}>
        {state.message}
      </p>
    </form>
  );
}

function AddButton() {
  const { pending } = useFormStatus();
  return (
    <button type="submit" disabled={pending}>
      {pending ? "Adding…" : "Add"}
    </button>
  );
}
