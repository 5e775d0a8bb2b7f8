import { ACTION_HEADER, hasBrokenActionFields } from "./next-internals";
import { plainPage } from "./plain-page";
import { parseForm } from "./request-body";

// Checks proxy.ts runs on requests before Next.js sees them (and the admin's upload routes, which
// the proxy leaves alone): each takes what a request carries, so tests can hand it anything.

/**
 * A POST that another site's page could have sent. Browsers send Origin with every POST a form or
 * script makes, so one without it comes from a script, not from a reader's browser: refused too,
 * rather than let through with Next's warning. X-Forwarded-Host counts only because server.ts
 * strips it from anyone but a trusted proxy (TRUST_PROXY).
 */
export function isCrossSite(headers: Headers): boolean {
  const origin = headers.get("origin");
  if (!origin || origin === "null") return true;
  const host = headers.get("x-forwarded-host")?.split(",")[0]?.trim() || headers.get("host");
  try {
    return new URL(origin).host !== host;
  } catch {
    return true;
  }
}

const NO_STORE = { "cache-control": "no-store" };

/** The answer to a body over MAX_SUBMISSION_BYTES: JSON for the API's scripts, a plain page for a form. */
export function tooLarge(api: boolean): Response {
  if (api) return Response.json({ error: "The body is larger than 64 KB." }, { status: 413, headers: NO_STORE });
  return plainPage(413, {
    title: "Too large",
    heading: "That was too large to send",
    text: "This site accepts at most 64 KB in one submission, and comments at most 5,000 characters. Go back, shorten your comment and try again: nothing was stored.",
  });
}

/**
 * A form body as proxy.ts reads it: the parsed form, "malformed" when it cannot be parsed, or null
 * when the body is not a form at all (JSON, nothing).
 */
export async function readForm(headers: Headers, body: Buffer): Promise<FormData | "malformed" | null> {
  const type = headers.get("content-type") ?? "";
  if (!/^(multipart\/form-data|application\/x-www-form-urlencoded)/i.test(type)) return null;
  try {
    return await parseForm(body, type);
  } catch {
    return "malformed";
  }
}

/**
 * A form whose server-action fields (what React writes into a form for a POST without JavaScript)
 * were cut or altered: Next.js would answer it with a server error. A server action called by
 * script (its header) carries its arguments otherwise.
 */
export function hasMalformedActionFields(headers: Headers, form: FormData): boolean {
  if (headers.get(ACTION_HEADER)) return false;
  return hasBrokenActionFields(form);
}

/** A form body that cannot be parsed, or whose server-action fields were cut or altered. */
export async function isMalformedForm(headers: Headers, body: Buffer): Promise<boolean> {
  const form = await readForm(headers, body);
  return form === "malformed" || (form !== null && hasMalformedActionFields(headers, form));
}

/**
 * Whether a path is valid percent-encoded UTF-8. Next.js decodes route parameters and, for one
 * that is not (`/articles/%ff`), answers 500: it looks for a /400 page that App Router sites lack.
 */
export function decodes(pathname: string): boolean {
  try {
    decodeURIComponent(pathname);
    return true;
  } catch {
    return false;
  }
}

/** Whether the request reached the site over HTTPS (X-Forwarded-Proto is a trusted proxy's, as above). */
export function isHttps(headers: Headers, url: URL): boolean {
  return headers.get("x-forwarded-proto")?.split(",")[0]?.trim() === "https" || url.protocol === "https:";
}
