import type { IncomingMessage } from "node:http";
import { ACTION_HEADER, hasBrokenActionFields } from "./next-internals";
import { plainPage } from "./plain-page";
import { MAX_SUBMISSION_BYTES, parseForm, readBody } from "./request-body";
import { EMAIL_ONE_CLICK_PATH } from "../routes";
import { siteLanguage, t } from "../i18n";

// Checks run on requests before Next.js or the comments see them: checkPost() is the door every
// POST passes, in proxy.ts and in server.ts's lane alike; the admin's upload routes, which the proxy
// leaves alone, use the parts. Each takes what a request carries, so tests can hand it anything.

/** A POST at the door: refused with its answer, or its body and form (null: not a form, JSON say). */
export type CheckedPost = { refusal: Response } | { body: Buffer; form: FormData | null };

/**
 * The checks every POST to `pathname` passes before anything reads its fields: sent from a page of
 * this site (the JSON API, for scripts, and the RFC 8058 one-click unsubscribe, which mail providers
 * POST, need not be: their tokens are the proof); at most MAX_SUBMISSION_BYTES as received; a form
 * that parses, its server-action fields whole (Next.js answers a broken one with a server error).
 */
export async function checkPost(
  pathname: string,
  request: Request | IncomingMessage,
  headers: Headers,
): Promise<CheckedPost> {
  const api = pathname.startsWith("/api/");
  if (!api && pathname !== EMAIL_ONE_CLICK_PATH && isCrossSite(headers)) {
    return {
      refusal: plainPage(403, { title: t("refused.crossSite.title"), text: t("refused.crossSite.text") }),
    };
  }
  const body = await readBody(request, MAX_SUBMISSION_BYTES);
  if (!body) return { refusal: tooLarge(api) };
  const form = api ? null : await readForm(headers, body);
  if (form === "malformed" || (form && hasMalformedActionFields(headers, form))) {
    return {
      refusal: plainPage(400, {
        title: t("refused.damaged.title"),
        heading: t("refused.damaged.heading"),
        text: t("refused.damaged.text"),
      }),
    };
  }
  return { body, form };
}

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
    title: t("refused.tooLarge.title"),
    heading: t("refused.tooLarge.heading"),
    text: t("refused.tooLarge.text", { max: siteLanguage().format.number(5000) }),
  });
}

/**
 * A form body as proxy.ts reads it: the parsed form, "malformed" when it cannot be parsed, or null
 * when the body is not a form at all (JSON, nothing).
 */
async function readForm(headers: Headers, body: Buffer): Promise<FormData | "malformed" | null> {
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
function hasMalformedActionFields(headers: Headers, form: FormData): boolean {
  if (headers.get(ACTION_HEADER)) return false;
  return hasBrokenActionFields(form);
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
