import { NextResponse, type NextRequest } from "next/server";
import { isTemplateRender, PLACEHOLDER, TEMPLATE_HEADER } from "./lib/server/page-cache";
import { checkPost, decodes, isHttps } from "./lib/server/request-guards";
import { contentSecurityPolicy, newNonce } from "./lib/server/csp";
import { SLUG_PATTERN } from "./lib/slug";
import { articlePath, articleSlugOf } from "./lib/routes";
import { isDevelopment } from "./lib/settings";
import { asksForDocument, DOCUMENT_HEADER } from "./lib/server/html-slots";
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
    // Bounded before Next.js parses it, so an oversized post gets a clear 413, not a server error.
    const checked = await checkPost(pathname, request, request.headers);
    if ("refusal" in checked) return checked.refusal;
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
// health checks (HEALTH_PATH, READY_PATH), polled every second;
// nor the web fonts and KaTeX's files (FONTS_PATH, KATEX_PATH). The matcher must be a literal.
export const config = {
  matcher: [
    "/((?!_next/static|_next/image|favicon.ico|admin/import$|admin/import-comments$|healthz$|readyz$|fonts/|katex/).*)",
  ],
};
