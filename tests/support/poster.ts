// Posts comments the way a browser with JavaScript off does: the comment form's hidden fields
// (Next's $ACTION_* fields, slug, token) and the reader's text, as multipart/form-data, to the
// article's URL. Each post needs a form token of its own; they are minted here exactly as
// lib/comments/spam.ts does, signed with the server's COOKIE_SECRET, instead of fetching the page (and
// rendering it) once more per comment.
import { randomUUID } from "node:crypto";
import { sign } from "@/lib/server/signing";
import { e2eEnv } from "../e2e/support/servers";

// The servers these tests start sign with the e2e secret.
process.env.COOKIE_SECRET ??= e2eEnv("").COOKIE_SECRET;

export type FormFields = Record<string, string>;

const unescape = (value: string) =>
  value
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");

/** The hidden fields of the page's main comment form (the last form.comment-form on the page). */
export function commentFormFields(html: string): FormFields {
  // Its other attributes (the action React writes from the form's permalink, its id) come first.
  const start = [...html.matchAll(/<form [^>]*class="comment-form"/g)].at(-1)?.index ?? -1;
  if (start < 0) throw new Error("no comment form on the page");
  const form = html.slice(start, html.indexOf("</form>", start));
  const fields: FormFields = {};
  for (const input of form.matchAll(/<input type="hidden" name="([^"]+)"(?: value="([^"]*)")?/g)) {
    fields[unescape(input[1])] = unescape(input[2] ?? "");
  }
  if (!fields.$ACTION_KEY || !fields.token) throw new Error("the comment form lacks its hidden fields");
  return fields;
}

export async function readCommentForm(pageUrl: string): Promise<FormFields> {
  const response = await fetch(pageUrl);
  if (!response.ok) throw new Error(`GET ${pageUrl}: ${response.status}`);
  return commentFormFields(await response.text());
}

/** A form token as the server issues it, `issuedAt.uuid.signature` (needs COOKIE_SECRET). */
export const mintToken = () => sign(`${Date.now()}.${randomUUID()}`);

export type PostOutcome = {
  status: number;
  /** The reader was told the comment is posted. */
  acknowledged: boolean;
  /** The message the form showed, if any; for a stored comment, where the redirect leads. */
  message: string;
  /** The page sent back (empty for a redirect). */
  html: string;
  ms: number;
};

export type Comment = { name: string; body: string; parentId?: string; ip: string; token?: string };

const FORM_MESSAGE = /<p role="status" aria-live="polite" class="form-message[^"]*">([^<]*)</;

export async function postComment(
  pageUrl: string,
  fields: FormFields,
  comment: Comment,
  signal?: AbortSignal,
): Promise<PostOutcome> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.set(name, value);
  form.set("token", comment.token ?? mintToken());
  form.set("website", "");
  form.set("name", comment.name);
  form.set("body", comment.body);
  if (comment.parentId) form.set("parentId", comment.parentId);
  const started = performance.now();
  // No answer in a minute is a failure too, never a test that waits for ever. One controller per
  // request, released once it is answered, rather than AbortSignal.any, whose combined signals
  // stay attached to the storm's signal until it ends.
  const controller = new AbortController();
  const abort = () => controller.abort(signal?.reason);
  const timer = setTimeout(() => controller.abort(new Error("no answer in 60 s")), 60_000);
  signal?.addEventListener("abort", abort, { once: true });
  let response: Response;
  let html: string;
  try {
    response = await fetch(pageUrl, {
      method: "POST",
      body: form,
      // A browser sends Origin with every POST; X-Forwarded-For stands for the reader's address.
      headers: { origin: new URL(pageUrl).origin, "x-forwarded-for": comment.ip },
      redirect: "manual",
      signal: controller.signal,
    });
    html = await response.text();
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", abort);
  }
  // A stored comment is answered with a redirect to it (POST-redirect-GET); anything else with the
  // page and the form's message. A copy, not a slice: V8 keeps a matched substring's whole page
  // alive, and the storm keeps every message.
  const location = response.headers.get("location") ?? "";
  const acknowledged = response.status === 303 && /[?&]posted=[^&#]+#comment-/.test(location);
  const message = acknowledged
    ? `posted: ${location}`
    : Buffer.from(unescape(html.match(FORM_MESSAGE)?.[1] ?? "")).toString();
  return {
    status: response.status,
    acknowledged,
    message,
    html,
    ms: performance.now() - started,
  };
}

/** The p-th percentile (0–100) of some numbers. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
