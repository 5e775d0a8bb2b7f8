import { Fragment, createElement, type ReactNode } from "react";

// For client components: a message the server formatted with its arguments left as "{name}"
// (pick() in lib/i18n/index.ts, values `{ name: "{name}" }`), filled in the browser without a
// message parser: the error pages' "Reference: {reference}", which only the browser knows.

/** `text` with each "{name}" replaced by `values[name]`, as React children. */
export function fill(text: string, values: Record<string, ReactNode>): ReactNode[] {
  return text
    .split(/\{(\w+)\}/)
    .map((part, i) => createElement(Fragment, { key: i }, i % 2 === 1 ? (values[part] ?? `{${part}}`) : part));
}
