import { NextResponse, type NextRequest } from "next/server";
import {
  cachedPage,
  isTemplateRender,
  pageCacheEnabled,
  pageResponse,
  PLACEHOLDER,
  TEMPLATE_HEADER,
  templateRequestHeaders,
} from "./lib/server/page-cache";
import { issueFormToken } from "./lib/comments/spam";
import { MAX_SUBMISSION_BYTES, parseForm, readBody } from "./lib/server/request-body";
import { SLUG_PATTERN } from "./lib/content/slug";
import { THEME_SCRIPT_HASH } from "./lib/theme";
import { articlePath, articleSlugOf, EMAIL_ONE_CLICK_PATH } from "./lib/routes";
import { isDevelopment, serverOrigin } from "./lib/settings";
import { isRequestId, REQUEST_ID_HEADER } from "./lib/server/request-id";

const page = (status: number, title: string, body: string) =>
  new NextResponse(
    `<!doctype html><html lang="en"><meta charset="utf-8"><title>${title}</title><body>${body}</body></html>`,
    {
      status,
      headers: { "content-type": "text/html; charset=utf-8" },
    },
  );

/**
 * The page's Content-Security-Policy. Scripts run only with this response's nonce (Next.js puts it
 * on its own scripts when it renders the page) or, for the constant theme script in <head>, by
 * hash; 'strict-dynamic' lets those scripts load Next's chunks. Styles come from the site's CSS
 * files; inline style attributes (next/image sets some) stay allowed, scripts never inline.
 */
export function contentSecurityPolicy(nonce: string, https: boolean): string {
  const development = isDevelopment();
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
async function malformedForm(request: NextRequest, body: Buffer): Promise<boolean> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^(multipart\/form-data|application\/x-www-form-urlencoded)/i.test(type)) return false;
  let form: FormData;
  try {
    form = await parseForm(body, type);
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
 * The slug of an article page asked for by a reader without cookies (nothing on it is theirs), as a
 * document: not the router's RSC requests, which add headers and ?_rsc (kept for the proxy by
 * skipProxyUrlNormalize in next.config.ts), nor a browser's fetch. lib/server/page-cache.ts serves it.
 */
function cachedSlug(request: NextRequest): string | null {
  const { headers } = request;
  const destination = headers.get("sec-fetch-dest");
  const slug = articleSlugOf(request.nextUrl.pathname);
  const served =
    request.method === "GET" &&
    pageCacheEnabled() &&
    request.nextUrl.search === "" &&
    (destination === null || destination === "document") &&
    !headers.has("cookie") &&
    !headers.has("rsc") &&
    !headers.has("next-router-state-tree") &&
    !headers.has("next-router-prefetch") &&
    !headers.has(TEMPLATE_HEADER);
  return served && slug && SLUG_PATTERN.test(slug) ? slug : null;
}

/**
 * Where an article's address spelled another way (`/articles/%6Donolith-…`) belongs: Next.js
 * decodes the slug and renders the same page, so every spelling would be a page of its own.
 */
function canonicalArticlePath(pathname: string): string | null {
  const segment = articleSlugOf(pathname);
  if (!segment) return null;
  const slug = decodeURIComponent(segment);
  return slug !== segment && SLUG_PATTERN.test(slug) ? articlePath(slug) : null;
}

/**
 * Whether a path is valid percent-encoded UTF-8. Next.js decodes route parameters and, for one
 * that is not (`/articles/%ff`), answers 500: it looks for a /400 page that App Router sites lack.
 */
function decodes(pathname: string): boolean {
  try {
    decodeURIComponent(pathname);
    return true;
  } catch {
    return false;
  }
}

export async function proxy(request: NextRequest) {
  const { pathname } = request.nextUrl;
  const api = pathname.startsWith("/api/");
  const decodable = decodes(pathname);
  if (!decodable && api) return NextResponse.json({ error: "No such address." }, { status: 404 });
  const canonical =
    decodable && (request.method === "GET" || request.method === "HEAD") && canonicalArticlePath(pathname);
  if (canonical) return NextResponse.redirect(new URL(canonical + request.nextUrl.search, request.url), 308);

  if (request.method === "POST") {
    // The JSON API is for scripts (no cookies, a token per comment): no Origin needed there; nor for
    // the RFC 8058 one-click unsubscribe, which mail providers POST (its signed token is the proof).
    if (!api && pathname !== EMAIL_ONE_CLICK_PATH && crossSite(request)) {
      return page(
        403,
        "Refused",
        "<h1>Refused</h1><p>This form can only be sent from a page of this site. Nothing was stored.</p>",
      );
    }
    // Bounded before Next.js parses it, so an oversized post gets a clear 413, not a server error.
    const body = await readBody(request, MAX_SUBMISSION_BYTES);
    if (!body && api) return NextResponse.json({ error: "The body is larger than 64 KB." }, { status: 413 });
    if (!body) {
      return page(
        413,
        "Too large",
        "<h1>That was too large to send</h1><p>This site accepts at most 64 KB in one submission, and comments at most 5,000 characters. Go back, shorten your comment and try again: nothing was stored.</p>",
      );
    }
    if (!api && (await malformedForm(request, body))) {
      return page(
        400,
        "Not understood",
        "<h1>That could not be read</h1><p>The form arrived damaged. Go back and send it again: nothing was stored.</p>",
      );
    }
  }

  // A fresh nonce for every response; Next.js takes it from the CSP header set here.
  const nonce = Buffer.from(crypto.randomUUID()).toString("base64");
  const https =
    request.headers.get("x-forwarded-proto")?.split(",")[0]?.trim() === "https" ||
    request.nextUrl.protocol === "https:";
  const policy = contentSecurityPolicy(nonce, https);

  const slug = cachedSlug(request);
  if (slug) {
    // The template is this server's own page, asked for where `next start` listens (Next.js notes
    // that address in __NEXT_PRIVATE_ORIGIN; the Host header could be a proxy's public name).
    const origin = serverOrigin() ?? request.nextUrl.origin;
    const entry = await cachedPage(slug, () =>
      fetch(new URL(pathname, origin), { headers: templateRequestHeaders(), cache: "no-store" }),
    );
    if (entry) {
      const id = request.headers.get(REQUEST_ID_HEADER);
      const values = { nonce, token: issueFormToken(), requestId: isRequestId(id) ? id : "" };
      return pageResponse(entry, values, { "content-security-policy": policy });
    }
  }

  // A template for the cache is rendered with placeholders where each answer's nonce goes.
  const template = isTemplateRender(request.headers);
  const rendered = template ? contentSecurityPolicy(PLACEHOLDER.nonce, https) : policy;
  const requestHeaders = new Headers(request.headers);
  if (!template) requestHeaders.delete(TEMPLATE_HEADER);
  requestHeaders.set("content-security-policy", rendered);
  const forward = { request: { headers: requestHeaders } };
  // A path that does not decode names nothing here: the site's not-found page (Next's own route).
  const response = decodable
    ? NextResponse.next(forward)
    : NextResponse.rewrite(new URL("/_not-found", request.url), forward);
  response.headers.set("content-security-policy", rendered);
  return response;
}

// Every page and form target; not Next's static files, whose responses carry no script, nor the
// admin's import: Next.js hands the proxy a copy of a body only up to proxyClientMaxBodySize
// (next.config.ts), and the import reads up to 50 MB itself (app/admin/import/route.ts); nor the
// health checks (HEALTH_PATH, READY_PATH), polled every second. The matcher must be a literal.
export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico|admin/import$|admin/import-comments$|healthz$|readyz$).*)"],
};
