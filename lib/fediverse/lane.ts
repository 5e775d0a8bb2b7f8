import type { IncomingMessage, ServerResponse } from "node:http";
import { processWide } from "../process-wide";
import { readBody } from "../server/request-body";
import { isArticlePage, isFediverseRequest, WEBMENTION_PATH } from "./paths";

// How the fediverse's requests reach Fedify: server.ts hands every request to answerFediverse()
// first, before the page cache and Next.js; it takes those isFediverseRequest() names (Fedify's
// paths, and an article asked for as ActivityStreams) and passes them, as fetch Requests at the
// site's public URL, to the answerer that lib/fediverse/serve.ts set (from instrumentation.ts, in
// the bundle where the federation lives). So the HTML pages and the page cache are untouched,
// proxy.ts's checks for browsers' forms (same-origin POSTs, 64 KB) do not refuse servers' signed
// posts, and Fedify gets the body's exact bytes, which the signature covers. No import of Fedify
// or of server-only modules here: server.ts loads it as it is.

/** The largest activity taken: Mastodon's are a few KB; a bigger one is refused (413) and dropped. */
export const MAX_ACTIVITY_BYTES = 256 * 1024;

/**
 * Fedify's answer, or null when it has nothing there (the request goes on to Next.js); `admit`, asked
 * first with the request's head (no body), counts it against its client's limits and answers when
 * one is full (inbound-limit.ts).
 */
export type FediverseAnswerer = {
  origin: string;
  admit?: (head: Request) => Promise<Response | null>;
  answer: (request: Request) => Promise<Response | null>;
};

const state = processWide<{ answerer?: FediverseAnswerer }>("fediverse-lane", () => ({}));

export function setFediverseAnswerer(answerer: FediverseAnswerer | undefined): void {
  state.answerer = answerer;
}

/** The connection's own headers, not the request's (a fetch Request refuses some of them). */
const HOP_BY_HOP = new Set(["connection", "keep-alive", "transfer-encoding", "upgrade", "expect", "te", "trailer"]);

/** A node request as a fetch Request at the site's public URL (what the sender signed). */
function toRequest(request: IncomingMessage, origin: string, body: Buffer | null): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined || HOP_BY_HOP.has(name)) continue;
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
  }
  return new Request(new URL(request.url ?? "/", origin), {
    method: request.method,
    headers,
    body: body && body.length > 0 ? new Uint8Array(body) : undefined,
  });
}

/**
 * Answers a fediverse request; false when it is not one, the fediverse is off, or Fedify has
 * nothing there for a GET (Next.js answers it then). Only GET and HEAD are ever passed on: their
 * bodies are not read here.
 */
export async function answerFediverse(
  request: IncomingMessage,
  response: ServerResponse,
  answerer: FediverseAnswerer | undefined = state.answerer,
): Promise<boolean> {
  if (!answerer) return false;
  if (!isFediverseRequest(request.method, request.url, request.headers.accept)) {
    // An article's page, answered by the page cache or Next.js: it names where Webmentions go, and
    // that its URL answers ActivityStreams too (a cache in front must key it by Accept).
    if (isArticlePage(request.method, request.url)) {
      response.setHeader("link", `<${new URL(WEBMENTION_PATH, answerer.origin).href}>; rel="webmention"`);
      response.setHeader("vary", "Accept");
    }
    return false;
  }
  // Counted before a byte of the body is read: a post refused as too large takes its place too.
  const refused = await answerer.admit?.(toRequest(request, answerer.origin, null));
  if (refused) {
    await send(request, response, refused);
    return true;
  }
  const hasBody = request.method !== "GET" && request.method !== "HEAD";
  const body = hasBody ? await readBody(request, MAX_ACTIVITY_BYTES) : null;
  if (hasBody && body === null) {
    response.writeHead(413, { "content-type": "text/plain" }).end("Activity too large.\n");
    return true;
  }
  const answer = await answerer.answer(toRequest(request, answerer.origin, body));
  if (!answer) {
    if (!hasBody) return false;
    response.writeHead(404, { "content-type": "text/plain" }).end("Not found.\n");
    return true;
  }
  await send(request, response, answer);
  return true;
}

async function send(request: IncomingMessage, response: ServerResponse, answer: Response): Promise<void> {
  const headers: Record<string, string> = {};
  answer.headers.forEach((value, name) => (headers[name] = value));
  response.writeHead(answer.status, headers);
  response.end(request.method === "HEAD" ? undefined : Buffer.from(await answer.arrayBuffer()));
}
