import { promisify } from "node:util";
import { gzip as gzipAsync } from "node:zlib";
import type { IncomingMessage, ServerResponse } from "node:http";
import {
  cachedPage,
  type KeptPage,
  pageAnswer,
  pageCacheEnabled,
  TEMPLATE_HEADER,
  templateRequestHeaders,
  type ReaderValues,
} from "./page-cache";
import { contentSecurityPolicy, newNonce } from "./csp";
import { FLIGHT_REQUEST_HEADERS, serverOrigin } from "./next-internals";
import { issueFormToken } from "./form-token";
import { SLUG_PATTERN } from "../slug";
import { articlePath, articleSlugOf } from "../routes";
import { processWide } from "../process-wide";

// Where server.ts answers from lib/server/page-cache.ts, before Next.js sees the request: a page
// kept for readers without cookies needs only its nonce, token and request id filled in (and a
// commenter's name and own actions: lib/comments/commenter-page.ts), and
// Next.js's request handling and proxy.ts cost several times that (measured in bench/results.md).
// Plain `next start`, without server.ts, renders every page.

// In libuv's thread pool, as Next.js compresses: not on the event loop.
const gzip = promisify(gzipAsync);

/** A reader's values for a kept page from their cookies; null: the page is not theirs to have (render it for them). */
type Commenter = (slug: string, cookie: string, page: KeptPage) => Promise<ReaderValues | null>;
// Set by the app (lib/comments/commenter-page.ts), read by server.ts's copy of this module.
const readers = processWide<{ commenter?: Commenter }>("page-cache-commenter", () => ({}));

/** For the comments: how a reader with cookies gets a kept page with their own name and actions. */
export function setCommenter(commenter: Commenter): void {
  readers.commenter = commenter;
}

/** A reader's values for a kept page, or null: render it for them (also before the app set setCommenter). */
async function commenterValues(slug: string, cookie: string, page: KeptPage): Promise<ReaderValues | null> {
  if (!page.kept || !page.personal || !readers.commenter) return null;
  try {
    return await readers.commenter(slug, cookie, page);
  } catch (error) {
    // The database away: the page rendered for them says comments are unavailable.
    console.error(`page cache: cannot read a commenter's state on ${articlePath(slug)}`, error);
    return null;
  }
}

// Headers of the router's requests and of a template render: never answered with the shared page.
// A reader's cookies are: the page gets their name and actions filled in (commenterValues).
const PERSONAL = [TEMPLATE_HEADER, ...FLIGHT_REQUEST_HEADERS];

/**
 * The slug of an article page asked for as a document (not the router's requests, which carry
 * headers of their own, nor a script's fetch), at its own address.
 */
function cachedSlug(request: IncomingMessage): string | null {
  const { headers } = request;
  const destination = headers["sec-fetch-dest"];
  if (request.method !== "GET" || !pageCacheEnabled() || !request.url || request.url.includes("?")) return null;
  if (destination !== undefined && destination !== "document") return null;
  if (PERSONAL.some((name) => name in headers)) return null;
  const slug = articleSlugOf(request.url);
  return slug && SLUG_PATTERN.test(slug) ? slug : null;
}

/**
 * Answers `request` with its article's cached page (rendering it first if there is none), each
 * answer with a nonce, a form token and the request id of its own, and a commenter's own values.
 * False: not a request the cache serves, not a page for this reader, or no page came of the
 * render; Next.js answers it then.
 */
export async function answerFromPageCache(
  request: IncomingMessage,
  response: ServerResponse,
  requestId: string,
): Promise<boolean> {
  const slug = cachedSlug(request);
  const origin = serverOrigin();
  if (!slug || !origin) return false;
  const entry = await cachedPage(slug, () =>
    fetch(new URL(request.url!, origin), { headers: templateRequestHeaders(), cache: "no-store" }),
  );
  if (!entry) return false;
  const cookie = request.headers.cookie;
  const reader = cookie ? await commenterValues(slug, cookie, entry) : null;
  if (cookie && !reader) return false;
  const nonce = newNonce();
  // server.ts has dropped X-Forwarded-* from anyone but a trusted proxy.
  const https =
    String(request.headers["x-forwarded-proto"] ?? "")
      .split(",")[0]
      .trim() === "https";
  const page = pageAnswer(entry, { nonce, token: issueFormToken(), requestId, ...reader });
  let body = page.body;
  // Compressed as Next.js would have (it compresses what it answers when the client takes gzip).
  const compressed = /\bgzip\b/.test(String(request.headers["accept-encoding"] ?? ""));
  if (compressed) body = await gzip(body);
  response.statusCode = page.status;
  // What server.ts's lanes already set (an article's Vary: Accept, lib/fediverse/lane.ts) is kept.
  const vary = String(response.getHeader("vary") ?? "");
  for (const [name, value] of page.headers) response.setHeader(name, value);
  const tokens = (value: unknown) =>
    String(value ?? "")
      .split(",")
      .map((token) => token.trim().toLowerCase())
      .filter(Boolean);
  for (const token of tokens(vary))
    if (!tokens(response.getHeader("vary")).includes(token)) response.appendHeader("vary", token);
  response.setHeader("content-security-policy", contentSecurityPolicy(nonce, { https, development: false }));
  if (!/accept-encoding/i.test(String(response.getHeader("vary") ?? "")))
    response.appendHeader("vary", "Accept-Encoding");
  if (compressed) response.setHeader("content-encoding", "gzip");
  response.setHeader("content-length", body.length);
  response.end(body);
  return true;
}
