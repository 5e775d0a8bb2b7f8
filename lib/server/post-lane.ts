import { IncomingMessage, type ServerResponse } from "node:http";
import { articleSlugOf, commentsApiPath } from "../routes";
import { SLUG_PATTERN } from "../slug";
import { ACTION_HEADER } from "./next-internals";
import { checkPost, decodes } from "./request-guards";
import { processWide } from "../process-wide";

// Where server.ts answers a new comment before Next.js sees it: the comment form sent without
// JavaScript (multipart, to the article's address) and the JSON API's POST. Next.js's request
// handling, proxy.ts and the server action or route around them cost more CPU than storing the
// comment (measured in bench/results.md), and a post needs none of them: it is read, checked and
// answered with a 303 or JSON. Whatever the lane does not answer (a form refused or to be shown
// again with its errors, the author's, a preview) goes on to Next.js as it came, its body replayed:
// the action answers it as before. It passes the same door as in proxy.ts (checkPost): a post
// refused there is refused here alike. Plain `next start` has no lane.

/** A post the lane reads: the form without JavaScript (parsed), or the JSON API's. */
export type LanePost = { kind: "form" | "api"; slug: string; headers: Headers; body: Buffer; form: FormData | null };

/**
 * What the app makes of a post: the answer, or null and a cookie made for the reader on the way
 * (Set-Cookie), which Next.js's answer must carry (lib/comments/form-post.ts says why).
 */
export type LaneAnswer = { answer: Response } | { answer: null; setCookie: string | null };

type Answerer = (post: LanePost) => Promise<LaneAnswer>;

// server.ts and the app are bundled apart but run in one process: the app's answerer is the process's.
const state = processWide<{ answer?: Answerer }>("post-lane", () => ({}));

/** For the comments (instrumentation.ts): how the lane's posts are answered. */
export function setPostAnswerer(answer: Answerer): void {
  state.answer = answer;
}

const API = /^\/api\/articles\/([^/]+)\/comments$/;

/** The post the lane takes for this request, before its body is read; null: Next.js's to answer. */
function laneKind(request: IncomingMessage, headers: Headers): { kind: LanePost["kind"]; slug: string } | null {
  if (request.method !== "POST" || !state.answer || !request.url) return null;
  const pathname = request.url.split("?")[0];
  const type = headers.get("content-type");
  const api = API.exec(pathname)?.[1];
  const form = articleSlugOf(pathname);
  const encoded = api ?? form;
  if (!encoded || !decodes(encoded)) return null;
  const slug = decodeURIComponent(encoded);
  if (!SLUG_PATTERN.test(slug) || (api && commentsApiPath(slug) !== pathname)) return null;
  if (api) return { kind: "api", slug };
  // A server action called by script (Next-Action): Next.js's.
  if (!/^multipart\/form-data/i.test(type ?? "") || headers.has(ACTION_HEADER)) return null;
  return { kind: "form", slug };
}

/** The request's headers as a fetch Headers (repeated ones joined, as Next.js joins them). */
function webHeaders(request: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
  }
  return headers;
}

/** A copy of `request` whose body is `body` again, for Next.js to read. */
function replayed(request: IncomingMessage, body: Buffer): IncomingMessage {
  const copy = new IncomingMessage(request.socket);
  Object.assign(copy, {
    method: request.method,
    url: request.url,
    headers: request.headers,
    rawHeaders: request.rawHeaders,
    httpVersion: request.httpVersion,
    httpVersionMajor: request.httpVersionMajor,
    httpVersionMinor: request.httpVersionMinor,
    // Received whole: a copy that ends incomplete counts as aborted, and destroys the socket.
    complete: true,
  });
  copy.push(body);
  copy.push(null);
  return copy;
}

/** Writes a fetch Response to the node response. */
async function send(response: ServerResponse, answer: Response): Promise<void> {
  const body = Buffer.from(await answer.arrayBuffer());
  response.statusCode = answer.status;
  for (const [name, value] of answer.headers) if (name !== "set-cookie") response.setHeader(name, value);
  const cookies = answer.headers.getSetCookie();
  if (cookies.length) response.setHeader("set-cookie", cookies);
  response.setHeader("content-length", body.length);
  response.end(body);
}

/**
 * Keeps `cookie` among the response's Set-Cookie headers whatever Next.js sets: it replaces them
 * with its own when the action sets cookies (as it keeps proxy.ts's).
 */
function keepCookie(response: ServerResponse, cookie: string): void {
  const setHeader = response.setHeader.bind(response);
  response.setHeader = (name, value) => {
    if (name.toLowerCase() !== "set-cookie") return setHeader(name, value);
    const others = (Array.isArray(value) ? value : [String(value)]).filter((each) => each !== cookie);
    return setHeader(name, [cookie, ...others]);
  };
  response.setHeader("set-cookie", []);
}

/**
 * Answers a comment post here, or gives back the request for Next.js to answer: `request` itself
 * when its body was not read, else a copy that replays it. Null: answered.
 */
export async function answerPost(request: IncomingMessage, response: ServerResponse): Promise<IncomingMessage | null> {
  const headers = webHeaders(request);
  const lane = laneKind(request, headers);
  if (!lane) return request;
  const checked = await checkPost(request.url!.split("?")[0], request, headers);
  if ("refusal" in checked) {
    await send(response, checked.refusal);
    return null;
  }
  const { body, form } = checked;
  const result = await state.answer!({ ...lane, headers, body, form });
  if (result.answer) {
    await send(response, result.answer);
    return null;
  }
  const next = replayed(request, body);
  if (result.setCookie) {
    next.headers = { ...request.headers };
    // The action sees the browser id made here, and the reader gets it.
    const [pair] = result.setCookie.split(";");
    next.headers.cookie = [request.headers.cookie, pair].filter(Boolean).join("; ");
    keepCookie(response, result.setCookie);
  }
  return next;
}
