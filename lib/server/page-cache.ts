import { randomBytes } from "node:crypto";
import { isProduction, settings } from "../settings";
import { articlePath } from "../routes";

// Article pages as a reader without cookies sees them: rendered once, kept in memory, and served
// to every such reader (most readers who follow a busy link) without rendering again. Each answer
// still gets a nonce and a form token of its own: the page is kept as a template with
// placeholders in their place, which server.ts fills in per response (page-cache-http.ts). A comment change drops the
// article's page at once: on this server here, and on the others behind a load balancer through
// PostgreSQL's LISTEN/NOTIFY (lib/server/cache-channel.ts), within milliseconds. Pages are also
// rendered again after PAGE_CACHE_SECONDS (default 1; 0 turns the cache off), which bounds how
// stale a page can be while that channel is down, and on SQLite's single instance changes nothing.
// Readers with cookies (who posted, reacted or signed in) always get a page rendered for them.
// Pages are kept by slug (proxy.ts sends other spellings of an article's address to its own; those are not served from here), only
// complete pages of articles that exist, and within MAX_PAGES and MAX_BYTES.

type Entry = {
  /** The page split at its placeholders: bytes, placeholder, bytes, … (encoded once, not per answer). */
  parts: (Buffer | string)[];
  status: number;
  /** Header values split the same way: Next's preload Link header can carry the nonce too. */
  headers: [string, string[]][];
  bytes: number;
  storedAt: number;
  /** When a reader was last answered with it. */
  servedAt: number;
  /** How it was rendered: again the same way when another instance changed its comments. */
  render?: () => Promise<Response>;
  /** Whether it is kept for the next readers, or only answers those who waited for this render. */
  kept: boolean;
};

type State = {
  /** Proves a template render was asked for by this server, not by a client. */
  secret: string;
  nonce: string;
  token: string;
  requestId: string;
  /** By slug, least recently served first. */
  entries: Map<string, Entry>;
  bytes: number;
  filling: Map<string, Promise<Entry | null>>;
  /** Tells the other instances that pages changed (set by the cache channel while it is connected). */
  broadcast?: (slug: string | null) => void;
};

// server.ts, proxy.ts and the pages are bundled apart but run in one process: the state lives on globalThis.
const key = Symbol.for("marginalia.page-cache");
const state: State = ((globalThis as Record<symbol, State>)[key] ??= {
  secret: randomBytes(16).toString("hex"),
  // Letters and digits only, so they read the same in HTML, in JSON and in script strings.
  nonce: `mgnonce${randomBytes(12).toString("hex")}`,
  token: `mgtoken${randomBytes(12).toString("hex")}`,
  requestId: `mgrequest${randomBytes(12).toString("hex")}`,
  entries: new Map(),
  bytes: 0,
  filling: new Map(),
});

export const TEMPLATE_HEADER = "x-marginalia-template";
/** What the template render puts where each answer's nonce, form token and request id go. */
export const PLACEHOLDER = { nonce: state.nonce, token: state.token, requestId: state.requestId } as const;
const PLACEHOLDERS = new RegExp(`(${state.nonce}|${state.token}|${state.requestId})`);

/** An older page is still served while a fresh one renders; past this it is rendered first. */
const STALE_LIMIT_MS = 60_000;

/** Past either bound the least recently served pages go: a big site's pages do not all stay. */
export const MAX_PAGES = 500;
export const MAX_BYTES = 32 * 1024 * 1024;

const ttl = () => settings().PAGE_CACHE_SECONDS * 1000;

export function pageCacheEnabled(): boolean {
  return isProduction() && ttl() > 0;
}

/** Whether this request is the server rendering a template for the cache. */
export function isTemplateRender(headers: Headers): boolean {
  return isTemplateSecret(headers.get(TEMPLATE_HEADER));
}

/** The same, from a header's value as node:http has it (server.ts). */
export function isTemplateSecret(value: string | string[] | null | undefined): boolean {
  return value === state.secret;
}

export function templateRequestHeaders(): Record<string, string> {
  // The request id too: the page carries its answer's (for the error page), filled in per answer.
  return { [TEMPLATE_HEADER]: state.secret, "accept-encoding": "identity", "x-request-id": state.requestId };
}

// Response headers that belong to one answer, not to the page.
const PER_RESPONSE = new Set([
  "content-length",
  "content-encoding",
  "transfer-encoding",
  "connection",
  "keep-alive",
  "date",
  "content-security-policy",
  // server.ts's, for the request that rendered the template; each answer has its own.
  "x-request-id",
]);

// Text, placeholder, text, …: the placeholders sit at the odd places.
const split = (text: string) => text.split(PLACEHOLDERS);

async function fill(slug: string, render: () => Promise<Response>): Promise<Entry | null> {
  try {
    const response = await render();
    const html = await response.text();
    // A page that sets a cookie is someone's: never shared (not expected for a reader without any).
    if (response.headers.has("set-cookie")) return null;
    const headers = [...response.headers]
      .filter(([name]) => !PER_RESPONSE.has(name.toLowerCase()))
      .map(([name, value]): [string, string[]] => [name, split(value)]);
    const parts = split(html).map((part, i) => (i % 2 === 0 ? Buffer.from(part) : part));
    const bytes =
      parts.reduce((sum, part) => sum + part.length, 0) +
      headers.reduce((sum, [name, value]) => sum + name.length + value.join("").length, 0);
    // Kept only when complete: not an error, and with its comment form (a page rendered while the
    // database is away has none). Otherwise it answers the readers who waited for it, and no more;
    // so is an unknown slug's not-found page.
    const kept = response.status === 200 && html.includes(state.token);
    return { parts, status: response.status, headers, bytes, storedAt: Date.now(), servedAt: Date.now(), kept };
  } catch (error) {
    console.error(`page cache: cannot render ${articlePath(slug)}`, error);
    return null;
  }
}

function drop(slug: string): void {
  const entry = state.entries.get(slug);
  if (!entry) return;
  state.entries.delete(slug);
  state.bytes -= entry.bytes;
}

function keep(slug: string, entry: Entry): void {
  drop(slug);
  state.entries.set(slug, entry);
  state.bytes += entry.bytes;
  for (const oldest of state.entries.keys()) {
    if (state.entries.size <= MAX_PAGES && state.bytes <= MAX_BYTES) break;
    drop(oldest);
  }
}

function refresh(slug: string, render: () => Promise<Response>): Promise<Entry | null> {
  const running = state.filling.get(slug);
  if (running) return running;
  const filling = fill(slug, render).then((entry) => {
    // A comment change while this render ran makes it out of date: forgetPages dropped it.
    if (state.filling.get(slug) === filling) {
      state.filling.delete(slug);
      if (entry?.kept) keep(slug, { ...entry, render });
    }
    return entry;
  });
  state.filling.set(slug, filling);
  return filling;
}

/**
 * The cached page of the article `slug`, rendered with `render` when there is none; a page older
 * than the TTL is served once more while its successor renders. Many readers arriving together
 * share one render.
 */
export async function cachedPage(slug: string, render: () => Promise<Response>): Promise<Entry | null> {
  const entry = state.entries.get(slug);
  const age = entry ? Date.now() - entry.storedAt : Infinity;
  if (entry) {
    // Served again: the last to go when the cache is full.
    state.entries.delete(slug);
    state.entries.set(slug, entry);
    entry.servedAt = Date.now();
  }
  if (entry && age < ttl()) return entry;
  const next = refresh(slug, render);
  return entry && age < STALE_LIMIT_MS ? entry : next;
}

/**
 * The page for one answer: each placeholder, in the body and in the headers, replaced by this
 * answer's nonce or token. Every byte of a kept page passes through here, so none leaves with one.
 */
export function pageAnswer(
  entry: Entry,
  values: { nonce: string; token: string; requestId?: string },
): { status: number; headers: [string, string][]; body: Buffer } {
  const answer = (placeholder: string) =>
    placeholder === state.nonce ? values.nonce : placeholder === state.token ? values.token : (values.requestId ?? "");
  const body = Buffer.concat(entry.parts.map((part) => (typeof part === "string" ? Buffer.from(answer(part)) : part)));
  const headers = entry.headers.map(([name, parts]): [string, string] => [
    name,
    parts.map((part, i) => (i % 2 === 0 ? part : answer(part))).join(""),
  ]);
  return { status: entry.status, headers, body };
}

/**
 * Drops the cached page of an article (of every article without a slug) after its comments changed,
 * here and, on PostgreSQL, on every other instance.
 */
export function forgetPages(slug?: string): void {
  forgetPagesHere(slug);
  state.broadcast?.(slug ?? null);
}

/**
 * Drops pages on this instance only. With `renderAgain` (the cache channel, hearing of another
 * instance's change to one article), a page readers asked for lately is rendered again at once,
 * so that the next reader finds it ready rather than waiting for it. At most one such render per
 * page kept: a second change during it drops it, and leaves nothing to render again.
 */
export function forgetPagesHere(slug?: string, { renderAgain = false } = {}): void {
  const slugs = slug ? [slug] : [...state.entries.keys(), ...state.filling.keys()];
  for (const each of slugs) {
    const entry = state.entries.get(each);
    drop(each);
    state.filling.delete(each);
    if (renderAgain && slug && entry?.render && Date.now() - entry.servedAt < STALE_LIMIT_MS) {
      void refresh(each, entry.render);
    }
  }
}

/** For the cache channel: how forgetPages tells the other instances (undefined: it cannot, now). */
export function setBroadcast(broadcast: State["broadcast"]): void {
  state.broadcast = broadcast;
}
