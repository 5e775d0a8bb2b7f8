import { NextResponse, type NextRequest } from "next/server";
import { isTemplateRender, PLACEHOLDER, TEMPLATE_HEADER } from "./lib/server/page-cache";
import { MAX_SUBMISSION_BYTES, readBody } from "./lib/server/request-body";
import {
  decodes,
  hasMalformedActionFields,
  isCrossSite,
  isHttps,
  readForm,
  tooLarge,
} from "./lib/server/request-guards";
import { contentSecurityPolicy, newNonce } from "./lib/server/csp";
import { SLUG_PATTERN } from "./lib/slug";
import { articlePath, articleSlugOf, EMAIL_ONE_CLICK_PATH } from "./lib/routes";
import { isDevelopment } from "./lib/settings";
import { asksForDocument, DOCUMENT_HEADER } from "./lib/server/html-slots";
import { plainPage } from "./lib/server/plain-page";
import { NOT_FOUND_ROUTE } from "./lib/server/next-internals";

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
    if (!api && pathname !== EMAIL_ONE_CLICK_PATH && isCrossSite(request.headers)) {
      return plainPage(403, {
        title: "Refused",
        text: "This form can only be sent from a page of this site. Nothing was stored.",
      });
    }
    // Bounded before Next.js parses it, so an oversized post gets a clear 413, not a server error.
    const body = await readBody(request, MAX_SUBMISSION_BYTES);
    if (!body) return tooLarge(api);
    const form = api ? null : await readForm(request.headers, body);
    if (form === "malformed" || (form && hasMalformedActionFields(request.headers, form))) {
      return plainPage(400, {
        title: "Not understood",
        heading: "That could not be read",
        text: "The form arrived damaged. Go back and send it again: nothing was stored.",
      });
    }
  }

  // A fresh nonce for every response; Next.js takes it from the CSP header set here.
  const nonce = newNonce();
  const csp = { https: isHttps(request.headers, request.nextUrl), development: isDevelopment() };
  const policy = contentSecurityPolicy(nonce, csp);

  // A template for the cache is rendered with placeholders where each answer's nonce goes.
  const template = isTemplateRender(request.headers);
  const rendered = template ? contentSecurityPolicy(PLACEHOLDER.nonce, csp) : policy;
  const requestHeaders = new Headers(request.headers);
  if (!template) requestHeaders.delete(TEMPLATE_HEADER);
  requestHeaders.delete(DOCUMENT_HEADER);
  if (asksForDocument(request.headers)) requestHeaders.set(DOCUMENT_HEADER, "1");
  requestHeaders.set("content-security-policy", rendered);
  const forward = { request: { headers: requestHeaders } };
  // A path that does not decode names nothing here: the site's not-found page (Next's own route).
  const response = decodable
    ? NextResponse.next(forward)
    : NextResponse.rewrite(new URL(NOT_FOUND_ROUTE, request.url), forward);
  response.headers.set("content-security-policy", rendered);
  return response;
}

// Every page and form target; not Next's static files, whose responses carry no script, nor the
// admin's import: Next.js hands the proxy a copy of a body only up to proxyClientMaxBodySize
// (next.config.ts), and the import reads up to 50 MB itself (app/admin/import/route.ts); nor the
// health checks (HEALTH_PATH, READY_PATH), polled every second; nor the avatars (AVATARS_PATH),
// pictures that carry their own policy. The matcher must be a literal.
export const config = {
  matcher: [
    "/((?!_next/static|_next/image|favicon.ico|admin/import$|admin/import-comments$|healthz$|readyz$|avatars/).*)",
  ],
};
