import "server-only";
import { AsyncLocalStorage } from "node:async_hooks";
import type { KvStore } from "@fedify/fedify";
import type { Db } from "../server/db";
import { addressKey } from "../server/address-key";
import { stampedClientAddress } from "../server/client-address";
import { check, consume, reserve, type Window } from "../server/rate-limit";
import { WEBMENTION_PATH } from "./paths";

// What other servers may make the site do, counted per client address before anything of theirs
// is read (server.ts's lane asks admitInbound() first: lane.ts). Every request that carries a body
// to the fediverse's paths (an inbox post, to the shared inbox or an actor's) and every request to
// the Webmention endpoint takes a place, whatever becomes of it after: too large (413), malformed,
// unsigned or forged (401), the wrong method (405). The address is the one server.ts stamped
// (client-address.ts: X-Forwarded-For believed only from TRUST_PROXY's proxies), keyed as every
// client is (address-key.ts: an IPv6 client is its /64); started without server.ts, every sender
// shares "unknown".
//
// An inbox post may make the site fetch: the key its signature names (any URL: the signature is
// checked with it), the actor that owns it, the JSON-LD contexts of a signed body. So a post runs
// with a budget of fetches (withFetchBudget: FETCHES_PER_POST, and INBOX_FETCH_RATE per address),
// spent by the document loaders (document-loader.ts) on what is not already cached. A post whose
// address ran out of fetches midway is answered 429 (serve.ts), not Fedify's 401.

/** Posts to the Webmention endpoint from one client address, answered or refused. */
export const WEBMENTION_RATE: Window[] = [
  { limit: 20, seconds: 60 },
  { limit: 200, seconds: 3600 },
];

/**
 * Posts to the inboxes from one client address, answered or refused: 5 a second on average. A site
 * is one actor, so what it receives is what concerns it (replies, likes, boosts, follows) and an
 * instance's broadcasts (profile updates and deleted accounts); Mastodon delivers each activity
 * once per shared inbox, from a few workers, and a wave of deleted accounts on a big instance is the
 * densest of it. One window only: every place taken reads the window's hits, so its limit is what
 * each post costs the database. A sender told 429 retries later (Mastodon does, with backoff):
 * nothing is lost, only delayed.
 */
export const INBOX_RATE: Window[] = [{ limit: 300, seconds: 60 }];

/**
 * Fetches one inbox post may cause while it is checked: its key (the actor's document), the key's
 * owner, a context or an alternate link. A real post needs one to three, none once its key is cached.
 */
export const FETCHES_PER_POST = 5;

/**
 * Fetches caused by one client address's inbox posts (what is cached costs none). Past it, its next
 * posts are answered 429 before they are read: a flood of posts naming a new key each gets no
 * more fetches than this out of the site, while a real instance's keys, once fetched, are kept.
 */
export const INBOX_FETCH_RATE: Window[] = [{ limit: 60, seconds: 60 }];

export type InboundOptions = {
  db: () => Db;
  /** The clock of the limits (tests). */
  now?: () => Date;
};

const clientOf = (request: Request) => addressKey(stampedClientAddress(request.headers) ?? "unknown");

const hasBody = (request: Request) => request.method !== "GET" && request.method !== "HEAD";

const tooMany = (text: string, retryAfterSeconds: number) =>
  new Response(`${text}\n`, {
    status: 429,
    headers: { "content-type": "text/plain; charset=utf-8", "retry-after": String(retryAfterSeconds) },
  });

/**
 * Counts a request to the fediverse's lane against its client address, before its body is read:
 * a 429 (with Retry-After) when a window is full, else null (the request goes on).
 */
export async function admitInbound(request: Request, options: InboundOptions): Promise<Response | null> {
  const webmention = new URL(request.url).pathname === WEBMENTION_PATH;
  if (!webmention && !hasBody(request)) return null;
  const client = clientOf(request);
  const db = options.db();
  const now = options.now?.() ?? new Date();
  if (webmention) {
    const place = await reserve(`webmention:${client}`, WEBMENTION_RATE, db, now);
    return place.ok ? null : tooMany("Too many Webmentions from this address; try later.", place.retryAfterSeconds);
  }
  const place = await reserve(`inbox:${client}`, INBOX_RATE, db, now);
  if (!place.ok) return tooMany("Too many posts from this address; try later.", place.retryAfterSeconds);
  const fetches = await check(`inbox-fetch:${client}`, INBOX_FETCH_RATE, db, now);
  if (!fetches.ok) return outOfFetchesAnswer(fetches.retryAfterSeconds);
  return null;
}

type FetchBudget = {
  left: number;
  /** What the post asked to fetch. */
  urls: string[];
  /** Until when the address's fetches ran out (a place in INBOX_FETCH_RATE refused): 0 when they did not. */
  retryAfterSeconds: number;
  take: (url: string) => Promise<boolean>;
};
const budgets = new AsyncLocalStorage<FetchBudget>();

/** What a post's handling came to, and whether its address's fetches ran out meanwhile. */
export type Budgeted<T> = { result: T; outOfFetches: { retryAfterSeconds: number; urls: string[] } | null };

/** Runs what handles a post (Fedify's check of its signature) with the post's budget of fetches. */
export async function withFetchBudget<T>(
  request: Request,
  options: InboundOptions,
  run: () => Promise<T>,
): Promise<Budgeted<T>> {
  if (!hasBody(request)) return { result: await run(), outOfFetches: null };
  const client = clientOf(request);
  const db = options.db();
  const budget: FetchBudget = {
    left: FETCHES_PER_POST,
    urls: [],
    retryAfterSeconds: 0,
    take: async (url) => {
      budget.urls.push(url);
      const place = await consume(`inbox-fetch:${client}`, INBOX_FETCH_RATE, db, options.now?.() ?? new Date());
      if (place.ok) return true;
      budget.retryAfterSeconds = Math.max(budget.retryAfterSeconds, place.retryAfterSeconds);
      return false;
    },
  };
  const result = await budgets.run(budget, run);
  const outOfFetches = budget.retryAfterSeconds
    ? { retryAfterSeconds: budget.retryAfterSeconds, urls: budget.urls }
    : null;
  return { result, outOfFetches };
}

/**
 * For the document loaders, before a fetch of `url`: whether the post being handled may make one
 * more (always true outside a post: the queue's work, on activities already verified).
 */
export async function takeFetch(url: string): Promise<boolean> {
  const budget = budgets.getStore();
  if (!budget) return true;
  if (budget.left <= 0) return false;
  budget.left--;
  return budget.take(url);
}

/**
 * Fedify remembers a key it could not fetch as unavailable for ten minutes (Fedify's KvKeyCache,
 * under the key's URL); one the address's limit kept it from fetching is not, so the sender's
 * retry (it was told 429) is checked afresh. `urls`: what the post asked to fetch (its key's URL
 * first); a key that was fetched is kept.
 */
export async function forgetRefusedKeys(kv: KvStore, urls: string[]): Promise<void> {
  for (const url of new Set(urls)) {
    if ((await kv.get(["_fedify", "publicKey", url])) !== null) continue;
    await kv.delete(["_fedify", "publicKey", url]);
    await kv.delete(["_fedify", "publicKey", "__fetchError", url]);
  }
}

/** The answer to a post whose address's fetches ran out before it could be checked. */
export const outOfFetchesAnswer = (retryAfterSeconds: number) =>
  tooMany("Too many keys to fetch for this address; try later.", retryAfterSeconds);
