import "server-only";
import type { IncomingHttpHeaders } from "node:http";
import { getArticleForFeed, loadArticlePipeline } from "../content/articles";
import { articlePath } from "../routes";
import { logger } from "../server/log";
import type { SiteFederation } from "./federation";
import { DEFAULT_LIMITS, safeFetch } from "./safe-fetch";

// Webmentions sent: when an article is published, changed or removed (the moments publish.ts sends
// a Create, an Update or a Delete to followers, each claimed once by one instance), a "send" message
// is queued; from it each page the article links to (outside the site, and those it linked to
// before, which learn the link is gone) gets a "notify" message of its own, so one dead site is
// retried by the queue without repeating the others. Notifying finds the page's endpoint as the
// spec says (the Link header, then the first <link> or <a> with rel=webmention, resolved against
// the page's final URL) and posts source and target to it.

const SEND = "marginalia.webmention-send";
const NOTIFY = "marginalia.webmention-notify";
type SendMessage = { type: typeof SEND; slug: string };
type NotifyMessage = { type: typeof NOTIFY; source: string; target: string };

/** The most links of one article notified. */
const LINKS_MAX = 100;

export const isSendMessage = (message: unknown): message is SendMessage =>
  typeof message === "object" &&
  message !== null &&
  (message as { type?: unknown }).type === SEND &&
  typeof (message as { slug?: unknown }).slug === "string";

export const isNotifyMessage = (message: unknown): message is NotifyMessage =>
  typeof message === "object" &&
  message !== null &&
  (message as { type?: unknown }).type === NOTIFY &&
  typeof (message as { source?: unknown }).source === "string" &&
  typeof (message as { target?: unknown }).target === "string";

/** The "send" message for an article's change (written in the transaction or the compare-and-swap that claims it). */
export const sendMessage = (slug: string): SendMessage => ({ type: SEND, slug });

const TAG = /<(a|link)\b([^<>]{0,4096})>/gi;
const ATTRIBUTE = /\s([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/g;
const attributesOf = (tag: string) => {
  const found = new Map<string, string>();
  for (const match of tag.matchAll(ATTRIBUTE)) {
    const name = match[1].toLowerCase();
    if (!found.has(name)) found.set(name, (match[2] ?? match[3] ?? match[4] ?? "").replace(/&amp;/g, "&"));
  }
  return found;
};
/** Comments, scripts and styles hold no links (a commented-out endpoint is none). */
const withoutComments = (html: string) =>
  html.replace(/<!--[\s\S]*?-->/g, "").replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, "");

/** Names reserved for examples and tests (RFC 2606, RFC 6761): no real site answers there, so none is told. */
const RESERVED = /(?:^|\.)(?:example(?:\.com|\.net|\.org)?|test|invalid|localhost)\.?$/i;

/** The pages an article links to outside the site (http(s), without fragment, not at a reserved name), in order, once each. */
export function externalLinks(html: string, origin: string): string[] {
  const links = new Set<string>();
  for (const [, name, attributes] of withoutComments(html).matchAll(TAG)) {
    if (name.toLowerCase() !== "a") continue;
    const href = attributesOf(attributes).get("href");
    const url = href ? URL.parse(href, origin) : null;
    if (!url || (url.protocol !== "http:" && url.protocol !== "https:") || url.origin === new URL(origin).origin)
      continue;
    if (RESERVED.test(url.hostname)) continue;
    url.hash = "";
    links.add(url.href);
    if (links.size >= LINKS_MAX) break;
  }
  return [...links];
}

const hasWebmentionRel = (rel: string | undefined) =>
  rel !== undefined && rel.toLowerCase().split(/\s+/).includes("webmention");

/** The endpoint a Link header names (the first link with rel webmention). */
function fromLinkHeader(headers: IncomingHttpHeaders, base: string): string | null {
  const value = headers.link;
  const header = Array.isArray(value) ? value.join(", ") : (value ?? "");
  for (const [, target, params] of header.matchAll(/<([^>]*)>([^<]*)/g)) {
    const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i.exec(params);
    if (hasWebmentionRel(rel?.[1] ?? rel?.[2])) return URL.parse(target, base)?.href ?? null;
  }
  return null;
}

/** A page's Webmention endpoint: its Link header's, else the first <link> or <a> with rel webmention and an href. */
export function discoverEndpoint(headers: IncomingHttpHeaders, html: string, base: string): string | null {
  const fromHeader = fromLinkHeader(headers, base);
  if (fromHeader) return fromHeader;
  for (const [, , attributes] of withoutComments(html).matchAll(TAG)) {
    const found = attributesOf(attributes);
    const href = found.get("href");
    if (href === undefined || !hasWebmentionRel(found.get("rel"))) continue;
    const url = URL.parse(href, base);
    if (url && (url.protocol === "http:" || url.protocol === "https:")) return url.href;
  }
  return null;
}

const linksKey = (slug: string) => ["marginalia", "webmention-links", slug] as const;

/** Queues a notification for each page the article links to now or linked to when last sent. */
export async function sendWebmentions(site: SiteFederation, message: SendMessage): Promise<string[]> {
  const { origin, contentDir } = site.options;
  await loadArticlePipeline();
  const article = getArticleForFeed(message.slug, { dir: contentDir, includeDrafts: false });
  const now = article ? externalLinks(article.html, origin) : [];
  const before = ((await site.kv.get<string[]>(linksKey(message.slug))) ?? []).filter((l) => typeof l === "string");
  const targets = [...new Set([...now, ...before])].slice(0, LINKS_MAX);
  const source = new URL(articlePath(message.slug), origin).href;
  await site.queue.enqueueMany(targets.map((target) => ({ type: NOTIFY, source, target }) satisfies NotifyMessage));
  await site.kv.set(linksKey(message.slug), now);
  return targets;
}

/** Tells one page of the link: finds its endpoint and posts to it. Throws (to be retried) when its site is away. */
export async function notifyTarget(site: SiteFederation, message: NotifyMessage): Promise<"sent" | "no-endpoint"> {
  const limits = { ...DEFAULT_LIMITS, allowPrivateAddress: site.options.allowPrivateAddress };
  const page = await safeFetch(message.target, limits);
  if (page.status >= 500) throw new Error(`${message.target} answered ${page.status}`);
  const endpoint = discoverEndpoint(page.headers, page.body.toString("utf8"), page.url);
  if (!endpoint) return "no-endpoint";
  const answer = await safeFetch(endpoint, limits, {
    method: "POST",
    form: { source: message.source, target: message.target },
  });
  if (answer.status >= 500 || answer.status === 429) throw new Error(`webmention endpoint answered ${answer.status}`);
  logger().info(
    { event: "webmention", source: message.source, target: message.target, status: answer.status },
    "webmention sent",
  );
  return "sent";
}
