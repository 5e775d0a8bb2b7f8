"use client";

import { useActionState } from "react";
import { useFormStatus } from "react-dom";
import { saveBlockEntry, type BlockFormState } from "@/lib/comments/admin-actions";
import { ADMIN_PATH } from "@/lib/routes";
import type { BlockFormWords } from "@/lib/i18n/client-words";

// Adding a ban or blocklist entry. A server action: without JavaScript the form is a plain POST
// and the page comes back with the message, and what was typed when something is wrong.

const INITIAL: BlockFormState = {
  status: "idle",
  values: { kind: "word", value: "", action: "queue", note: "", days: "" },
};

/** `words`: its words in the site's language (lib/i18n/client-words.ts). */
export function BlockForm({ words: w }: { words: BlockFormWords }) {
  const [state, formAction] = useActionState(saveBlockEntry, INITIAL, ADMIN_PATH);
  const error = (field: keyof NonNullable<BlockFormState["errors"]>) => state.errors?.[field]?.join(" ");
  const valueError = error("value");
  const actionError = error("action");
  return (
    <form action={formAction} className="admin-block-form" key={state.status === "saved" ? state.message : "form"}>
      <h3>{w["admin.block.heading"]}</h3>
      <label>
        {w["admin.block.block"]}
        <select name="kind" defaultValue={state.values.kind}>
          <option value="word">{w["admin.block.word"]}</option>
          <option value="domain">{w["admin.block.domain"]}</option>
          <option value="name">{w["admin.block.name"]}</option>
          <option value="address">{w["admin.block.address"]}</option>
          <option value="browser">{w["admin.block.browser"]}</option>
        </select>
      </label>
      <label>
        {w["admin.block.value"]}
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
        {w["admin.block.suchAre"]}
        <select
          name="action"
          defaultValue={state.values.action}
          aria-invalid={actionError ? true : undefined}
          aria-describedby={actionError ? "block-action-error" : undefined}
        >
          <option value="queue">{w["admin.block.queue"]}</option>
          <option value="refuse">{w["admin.block.refuse"]}</option>
          <option value="shadow">{w["admin.block.shadow"]}</option>
        </select>
      </label>
      <label>
        {w["admin.block.for"]}
        <select name="days" defaultValue={state.values.days}>
          <option value="">{w["admin.block.forGood"]}</option>
          <option value="1">{w["moderate.day"]}</option>
          <option value="7">{w["moderate.week"]}</option>
          <option value="30">{w["moderate.month"]}</option>
          <option value="365">{w["moderate.year"]}</option>
        </select>
      </label>
      <label>
        {w["admin.block.note"]}
        <input name="note" maxLength={200} defaultValue={state.values.note} />
      </label>
      <AddButton label={w["admin.block.add"]} pendingLabel={w["admin.block.adding"]} />
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

function AddButton({ label, pendingLabel }: { label: string; pendingLabel: string }) {
  const { pending } = useFormStatus();
  return (
    <button type="submit" disabled={pending}>
      {pending ? pendingLabel : label}
    </button>
  );
}
