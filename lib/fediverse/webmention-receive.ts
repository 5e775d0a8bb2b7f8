import "server-only";
import { z } from "zod";
import { submitComment, submitRemoteDelete, submitRemoteEdit } from "../comments/service";
import { NAME_MAX } from "../comments/limits";
import { articleExists } from "../content/articles";
import { articleSlugOf } from "../routes";
import { SLUG_PATTERN } from "../slug";
import { logger } from "../server/log";
import type { Db } from "../server/db";
import { addressKey } from "../server/address-key";
import { stampedClientAddress } from "../server/client-address";
import { canonicalHost, domainKey } from "../server/domain-key";
import type { SiteFederation } from "./federation";
import { forgetPages } from "../server/page-cache";
import { instanceRefused } from "./inbox";
import { addReaction, WEBMENTION_REACTION_PREFIX } from "./reactions";
import { DEFAULT_LIMITS, FetchRefused, safeFetch, type Fetched } from "./safe-fetch";
import { linksTo, readSource } from "./webmention-source";

// Webmentions received (https://www.w3.org/TR/webmention/): another site says "this page of mine
// (source) links to your article (target)". The endpoint (WEBMENTION_PATH, advertised on every
// article) checks only the form and that the target is one of the site's articles, queues the
// mention in the fediverse's durable queue (message-queue.ts) and answers 202 at once. From the
// queue the source is fetched (safe-fetch.ts: no private addresses, bounded) and must link to the
// target; read as microformats (webmention-source.ts), a reply becomes a comment through the one
// door (submitComment, with the source as its origin: limits per source domain, the domain
// blocklist, spam, moderation), a like or a repost is counted beside the fediverse's. Sent again,
// an updated source edits its comment; a source gone (404, 410) or no longer linking removes it.
//
// Any server may post here, with any source (a page on someone else's site too), and every post
// is a write: each one, refused or not (too large, the wrong method), counts against its client
// address before its body is read (WEBMENTION_RATE, counted by server.ts's lane: inbound-limit.ts),
// and what waits in the queue is bounded per client, per source domain (its registrable domain:
// domain-key.ts) and in all.

const WEBMENTION = "marginalia.webmention";
/** One client's mentions waiting in the queue (its sources may be anyone's): past this, 429. */
export const PENDING_PER_CLIENT = 30;
/** A source domain's mentions waiting in the queue: past this, it is told to come back later (429). */
export const PENDING_PER_DOMAIN = 50;
/** All mentions waiting (many domains are cheap to own): past this, every sender is told to come back later. */
export const PENDING_MAX = 2000;
/** When a sender told the queue is full may try again: about what the worker needs to drain it. */
const PENDING_RETRY_SECONDS = 300;

/**
 * Who a Webmention reply is "from" for the comment service: its source's host (a reader's limit
 * counts per host, ten readers' per registrable domain: the instance's), marked apart from the
 * fediverse's actors, which are URLs (comment-notes.ts).
 */
const actorOf = (host: string) => `webmention:${host}`;

/** A mention queued: `domain` and `client` (its sender's address key) are what the waiting ones are counted by. */
type WebmentionMessage = {
  type: typeof WEBMENTION;
  source: string;
  target: string;
  host: string;
  domain?: string;
  client?: string;
};

export const isWebmentionMessage = (message: unknown): message is WebmentionMessage =>
  typeof message === "object" && message !== null && (message as { type?: unknown }).type === WEBMENTION;

const httpUrl = z.url({ protocol: /^https?$/ }).max(2048);
const formSchema = z.object({ source: httpUrl, target: httpUrl });

export type WebmentionOptions = {
  db: () => Db;
  origin: string;
  allowPrivateAddress: boolean;
  contentDir?: string;
  /** Queues a message (the fediverse queue's enqueue: the worker wakes at once). */
  enqueue: (message: unknown) => Promise<void>;
};

/** What Webmentions need of the site: its database, address and queue. */
export function webmentionOptions(site: SiteFederation): WebmentionOptions {
  const { db, origin, allowPrivateAddress, contentDir } = site.options;
  return { db, origin, allowPrivateAddress, contentDir, enqueue: (message) => site.queue.enqueue(message) };
}

/** The article a target URL names on this site, if it is one. */
export function targetSlug(target: string, origin: string, contentDir?: string): string | null {
  const url = new URL(target);
  if (url.origin !== new URL(origin).origin) return null;
  const segment = articleSlugOf(url.pathname);
  if (!segment) return null;
  const slug = decodeURIComponent(segment);
  return SLUG_PATTERN.test(slug) && articleExists(slug, { dir: contentDir }) ? slug : null;
}

const plain = (status: number, text: string, retryAfterSeconds?: number) =>
  new Response(`${text}\n`, {
    status,
    headers: {
      "content-type": "text/plain; charset=utf-8",
      ...(retryAfterSeconds ? { "retry-after": String(retryAfterSeconds) } : {}),
    },
  });

/** How many mentions wait in the queue whose message holds `field` with `value`. */
const pendingWith = (db: Db, field: keyof WebmentionMessage, value: string) =>
  db.fediverseMessage.count({ where: { payload: { contains: `"${field}":${JSON.stringify(value)}` } } });

/**
 * The endpoint: a form POST with source and target, answered 202 and checked later; already counted
 * against its client address (admitInbound). The client's address is the one server.ts stamped on
 * the request (X-Forwarded-For believed only from TRUST_PROXY's proxies); started without
 * server.ts, every sender shares "unknown".
 */
export async function receiveWebmention(request: Request, options: WebmentionOptions): Promise<Response> {
  if (request.method !== "POST") return plain(405, "Send a Webmention as a form POST with source and target.");
  const db = options.db();
  const client = addressKey(stampedClientAddress(request.headers) ?? "unknown");
  const type = request.headers.get("content-type") ?? "";
  if (!type.toLowerCase().startsWith("application/x-www-form-urlencoded")) return plain(415, "Form data expected.");
  const text = await request.text();
  if (text.length > 8192) return plain(413, "Too large.");
  const form = new URLSearchParams(text);
  const parsed = formSchema.safeParse({ source: form.get("source"), target: form.get("target") });
  if (!parsed.success) return plain(400, "source and target must be http(s) URLs.");
  const { source, target } = parsed.data;
  if (source === target) return plain(400, "source and target are the same.");
  if (!targetSlug(target, options.origin, options.contentDir)) return plain(400, "target is not an article here.");
  const host = canonicalHost(new URL(source).hostname);
  if (await instanceRefused(db, host)) return plain(403, "Mentions from this site are refused.");
  const domain = domainKey(host);
  if ((await pendingWith(db, "client", client)) >= PENDING_PER_CLIENT)
    return plain(429, "Too many of your mentions waiting; try later.", PENDING_RETRY_SECONDS);
  if ((await pendingWith(db, "domain", domain)) >= PENDING_PER_DOMAIN)
    return plain(429, "Too many mentions waiting from this site; try later.", PENDING_RETRY_SECONDS);
  if ((await pendingWith(db, "type", WEBMENTION)) >= PENDING_MAX)
    return plain(429, "Too many mentions waiting; try later.", PENDING_RETRY_SECONDS);
  await options.enqueue({ type: WEBMENTION, source, target, host, domain, client } satisfies WebmentionMessage);
  return plain(202, "Accepted: the source will be checked.");
}

export type VerifyOutcome = "reply" | "edited" | "like" | "repost" | "mention" | "removed" | "refused" | "gone";

/** The source's comment and reaction taken back (gone, no longer linking, or now something else). */
async function forget(db: Db, source: string, host: string, keep: "comment" | "reaction" | null) {
  let removed = false;
  if (keep !== "comment") {
    removed = (await submitRemoteDelete({ remoteId: source, actor: actorOf(host) }, db)).kind === "deleted";
  }
  if (keep !== "reaction") {
    const rows = await db.fediverseReaction.findMany({
      where: { id: `${WEBMENTION_REACTION_PREFIX}${source}` },
      select: { articleSlug: true },
    });
    if (rows.length) {
      await db.fediverseReaction.deleteMany({ where: { id: `${WEBMENTION_REACTION_PREFIX}${source}` } });
      for (const row of rows) forgetPages(row.articleSlug);
      removed = true;
    }
  }
  return removed;
}

/** Checks a queued mention: fetches the source and keeps, changes or removes what it says. Throws to be retried. */
export async function verifyWebmention(message: WebmentionMessage, options: WebmentionOptions): Promise<VerifyOutcome> {
  const db = options.db();
  const { source, target, host } = message;
  const slug = targetSlug(target, options.origin, options.contentDir);
  if (!slug) return "refused";
  const log = (outcome: VerifyOutcome) => {
    logger().info({ event: "webmention", source, slug, outcome }, "webmention checked");
    return outcome;
  };
  let page: Fetched;
  try {
    page = await safeFetch(source, { ...DEFAULT_LIMITS, allowPrivateAddress: options.allowPrivateAddress });
  } catch (error) {
    // A private address, too many redirects: trying again changes nothing. A network error is retried.
    if (error instanceof FetchRefused) return log("refused");
    throw error;
  }
  if (page.status === 404 || page.status === 410)
    return log((await forget(db, source, host, null)) ? "removed" : "gone");
  // Refused or not a page: nothing kept. A server error: tried again later by the queue.
  if (page.status >= 500) throw new Error(`webmention source answered ${page.status}`);
  if (page.status < 200 || page.status >= 300) return log("refused");
  const html = page.body.toString("utf8");
  if (!linksTo(html, page.url, target)) {
    return log((await forget(db, source, host, null)) ? "removed" : "refused");
  }
  if (await instanceRefused(db, host)) return log("refused");
  const entry = readSource(html, page.url, target);
  if (entry.kind === "like" || entry.kind === "repost") {
    const kind = entry.kind === "like" ? "like" : "announce";
    await forget(db, source, host, "reaction");
    // A like that became a repost (or the other way): the old one goes.
    await db.fediverseReaction.deleteMany({
      where: { id: `${WEBMENTION_REACTION_PREFIX}${source}`, kind: { not: kind } },
    });
    await addReaction(db, {
      id: `${WEBMENTION_REACTION_PREFIX}${source}`,
      kind,
      actor: source,
      slug,
      commentId: null,
    });
    return log(entry.kind);
  }
  if (entry.kind !== "reply" || !entry.text) {
    // A plain mention is not kept (the discussion holds replies); one that was a reply is taken back.
    await forget(db, source, host, null);
    return log("mention");
  }
  await forget(db, source, host, "comment");
  const existing = await db.comment.findUnique({ where: { remoteId: source }, select: { id: true } });
  if (existing) {
    const edit = await submitRemoteEdit(
      { remoteId: source, actor: actorOf(host), instance: host, body: entry.text },
      db,
    );
    return log(edit.kind === "saved" ? "edited" : "refused");
  }
  const authorHost = entry.author.url ? new URL(entry.author.url).hostname : host;
  const post = (parentId: string | null) =>
    submitComment(
      { slug, name: (entry.author.name ?? authorHost).slice(0, NAME_MAX), body: entry.text, parentId, token: null },
      {
        ip: "unknown",
        browserId: null,
        remote: {
          id: source,
          actor: actorOf(host),
          handle: authorHost,
          avatar: entry.author.photo,
          url: entry.url,
          instance: host,
        },
      },
      db,
    );
  // A reply to one of the article's comments (its permalink, `#comment-<id>`) answers that comment;
  // when that one is gone, the article.
  const parentId = /^#comment-([\w-]{1,64})$/.exec(new URL(target).hash)?.[1] ?? null;
  let result = await post(parentId);
  if (result.kind === "no-parent" && parentId) result = await post(null);
  if (result.kind === "rate-limited") throw new Error(`webmention from ${host} rate-limited`);
  return log(result.kind === "posted" ? "reply" : "refused");
}
