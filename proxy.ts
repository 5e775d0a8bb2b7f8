import { NextResponse, type NextRequest } from "next/server";

// Requests that post to a page (server actions, plain form POSTs) are bounded before Next.js
// parses them, so an oversized one gets a clear 413 instead of a server error. The admin's import
// (a route handler with its own limit) is exempt.
const MAX_POST_BYTES = 64 * 1024;

export function proxy(request: NextRequest) {
  const length = Number(request.headers.get("content-length") ?? 0);
  if (request.method === "POST" && length > MAX_POST_BYTES && request.nextUrl.pathname !== "/admin/import") {
    return new NextResponse(
      `<!doctype html><html lang="en"><meta charset="utf-8"><title>Too large</title><body><h1>That was too large to send</h1><p>This site accepts at most 64 KB in one submission, and comments at most 5,000 characters. Go back, shorten your comment and try again: nothing was stored.</p></body></html>`,
      { status: 413, headers: { "content-type": "text/html; charset=utf-8" } },
    );
  }
  return NextResponse.next();
}

// Only what receives posts: article pages (comment actions), the admin and the API.
export const config = { matcher: ["/articles/:path*", "/admin/:path*", "/api/:path*"] };
