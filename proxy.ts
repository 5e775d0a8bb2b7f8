import { NextResponse, type NextRequest } from "next/server";
import { cachedPage, isTemplateRender, pageCacheEnabled, pageResponse, PLACEHOLDER, TEMPLATE_HEADER, templateRequestHeaders } from "./lib/page-cache";
import { issueFormToken } from "./lib/spam";
import { THEME_SCRIPT_HASH } from "./lib/theme";

// Requests that post to a page (server actions, plain form POSTs) are bounded before Next.js
// parses them, so an oversized one gets a clear 413 instead of a server error. The admin's import
// (a route handler with its own limit) is exempt.
const MAX_POST_BYTES = 64 * 1024;
/** Route handlers that take file uploads, each with its own limit. */
const UPLOADS = new Set(["/admin/import", "/admin/import-comments"]);

const page = (status: number, title: string, body: string) =>
  new NextResponse(`<!doctype html><html lang="en"><meta charset="utf-8"><title>${title}</title><body>${body}</body></html>`, {
    status,
    headers: { "content-type": "text/html; charset=utf-8" },
  });

/**
 * The page's Content-Security-Policy. Scripts run only with this response's nonce (Next.js puts it
 * on its own scripts when it renders the page) or, for the constant theme script in <head>, by
 * hash; 'strict-dynamic' lets those scripts load Next's chunks. Styles come from the site's CSS
 * files; inline style attributes (next/image sets some) stay allowed, scripts never inline.
 */
export function contentSecurityPolicy(nonce: string, https: boolean): string {
  const development = process.env.NODE_ENV === "development";
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' '${THEME_SCRIPT_HASH}' 'strict-dynamic'${development ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(https ? ["upgrade-insecure-requests"] : []),
  ].join("; ");
}

/**
 * A POST that another site's page could have sent. Browsers send Origin with every POST a form or
 * script makes, so one without it comes from a script, not from a reader's browser: refused too,
 * rather than let through with Next's warning. The JSON API, for scripts, is not cookie-based.
 */
function crossSite(request: NextRequest): boolean {
  const origin = request.headers.get("origin");
  if (!origin || origin === "null") return true;
  const host = request.headers.get("x-forwarded-host")?.split(",")[0]?.trim() || request.headers.get("host");
  try {
    return new URL(origin).host !== host;
  } catch {
    return true;
  }
}

const json = (value: FormDataEntryValue | null) => {
  if (typeof value !== "string") return undefined;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return undefined;
  }
};

/**
 * A form body that cannot be parsed, or whose server-action fields (what React writes into a form
 * for a POST without JavaScript: $ACTION_REF_n, then $ACTION_n:0 naming the action and its bound
 * state in $ACTION_n:1…) were cut or altered: Next.js would answer either with a server error.
 */
async function malformedForm(request: NextRequest): Promise<boolean> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^(multipart\/form-data|application\/x-www-form-urlencoded)/i.test(type)) return false;
  let form: FormData;
  try {
    form = await request.clone().formData();
  } catch {
    return true;
  }
  if (request.headers.get("next-action")) return false;
  const names = [...form.keys()].filter((name) => name.startsWith("$ACTION_"));
  if (names.length === 0) return false;
  for (const name of names) {
    const ref = /^\$ACTION_REF_(\d+)$/.exec(name)?.[1];
    if (ref === undefined) continue;
    const action = json(form.get(`$ACTION_${ref}:0`)) as { id?: unknown; bound?: unknown } | undefined;
    if (typeof action?.id !== "string") return true;
    const bound = typeof action.bound === "string" ? /^\$@(\d+)$/.exec(action.bound)?.[1] : undefined;
    if (action.bound !== null && !Array.isArray(json(form.get(`$ACTION_${ref}:${bound}`)))) return true;
  }
  const referenced = names.some((name) => /^\$ACTION_(REF|ID)_/.test(name));
  return !referenced || names.some((name) => /^\$ACTION_\d+:\d+$/.test(name) && json(form.get(name)) === undefined);
}

/**
 * An article page asked for by a reader without cookies (nothing on it is theirs), as a document:
 * not the router's RSC requests, which add headers and ?_rsc (kept for the proxy by
 * skipProxyUrlNormalize in next.config.ts), nor a browser's fetch. lib/page-cache.ts serves it.
 */
function servedFromCache(request: NextRequest): boolean {
  const { headers } = request;
  const destination = headers.get("sec-fetch-dest");
  return (
    request.method === "GET" &&
    pageCacheEnabled() &&
    /^\/articles\/[^/]+$/.test(request.nextUrl.pathname) &&
    request.nextUrl.search === "" &&
    (destination === null || destination === "document") &&
    !headers.has("cookie") &&
    !headers.has("rsc") &&
    !headers.has("next-router-state-tree") &&
    !headers.has("next-router-prefetch") &&
    !headers.has(TEMPLATE_HEADER)
  );
}

export async function proxy(request: NextRequest) {
  const { pathname } = request.nextUrl;
  if (request.method === "POST") {
    const length = Number(request.headers.get("content-length") ?? 0);
    if (length > MAX_POST_BYTES && !UPLOADS.has(pathname)) {
      return page(
        413,
        "Too large",
        "<h1>That was too large to send</h1><p>This site accepts at most 64 KB in one submission, and comments at most 5,000 characters. Go back, shorten your comment and try again: nothing was stored.</p>",
      );
    }
  }
  // The JSON API is for scripts (no cookies, a token per comment): no Origin needed there.
  if (request.method === "POST" && !pathname.startsWith("/api/")) {
    if (crossSite(request)) {
      return page(403, "Refused", "<h1>Refused</h1><p>This form can only be sent from a page of this site. Nothing was stored.</p>");
    }
    if (!UPLOADS.has(pathname) && (await malformedForm(request))) {
      return page(400, "Not understood", "<h1>That could not be read</h1><p>The form arrived damaged. Go back and send it again: nothing was stored.</p>");
    }
  }

  // A fresh nonce for every response; Next.js takes it from the CSP header set here.
  const nonce = Buffer.from(crypto.randomUUID()).toString("base64");
  const https = request.headers.get("x-forwarded-proto")?.split(",")[0]?.trim() === "https" || request.nextUrl.protocol === "https:";
  const policy = contentSecurityPolicy(nonce, https);

  if (servedFromCache(request)) {
    // The template is this server's own page, asked for where `next start` listens (Next.js notes
    // that address in __NEXT_PRIVATE_ORIGIN; the Host header could be a proxy's public name).
    const origin = process.env.__NEXT_PRIVATE_ORIGIN ?? request.nextUrl.origin;
    const entry = await cachedPage(pathname, () => fetch(new URL(pathname, origin), { headers: templateRequestHeaders(), cache: "no-store" }));
    if (entry) return pageResponse(entry, { nonce, token: issueFormToken() }, { "content-security-policy": policy });
  }

  // A template for the cache is rendered with placeholders where each answer's nonce goes.
  const template = isTemplateRender(request.headers);
  const rendered = template ? contentSecurityPolicy(PLACEHOLDER.nonce, https) : policy;
  const requestHeaders = new Headers(request.headers);
  if (!template) requestHeaders.delete(TEMPLATE_HEADER);
  requestHeaders.set("content-security-policy", rendered);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("content-security-policy", rendered);
  return response;
}

// Every page and form target; not Next's static files, whose responses carry no script.
export const config = { matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"] };
