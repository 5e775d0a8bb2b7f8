import { randomBytes } from "node:crypto";
import { LRUCache } from "lru-cache";
import { isProduction, settings } from "../settings";
import { articlePath } from "../routes";
import { escapeHtml } from "../html-escape";
import { processWide } from "../process-wide";
import { ACTION_FIELD_PREFIX, flightString, inlineFlightString } from "./next-internals";

// Article pages as a reader without cookies sees them: rendered once, kept in memory, and served
// to every such reader without rendering again. Each answer still gets a nonce and a form token of
// its own: the page is kept as a template with placeholders, which server.ts fills in per response
// (page-cache-http.ts). A comment change drops the article's page at once, here and on the other
// instances through PostgreSQL's LISTEN/NOTIFY (cache-channel.ts); pages are also rendered again
// after PAGE_CACHE_SECONDS (default 1; 0 turns the cache off), which bounds how stale a page can be
// while that channel is down. A reader with cookies gets the page with their name and own actions
// filled in, or one rendered for them. Pages are kept by slug (proxy.ts sends other spellings of an
// address to its own), only complete pages of articles that exist, within MAX_PAGES and MAX_BYTES.

/**
 * What goes in a placeholder's place in each answer. The reader's name stands in three places,
 * each written its own way: the form's field ("name"), React's inline payload ("scriptName") and
 * the no-JavaScript form's encoded action state ("actionName").
 */
type Slot = "nonce" | "token" | "requestId" | "name" | "scriptName" | "actionName";

/**
 * A comment's actions in a kept page (👍, Reply), for a reader's own to replace (their 👍, Edit and
 * Delete). `replyTo`: whom its Reply answers; null when it has none.
 */
export type ActionsPart = { id: string; count: number; replyTo: string | null; html: Buffer };

type Entry = {
  /** The page split at its placeholders: bytes, slot, bytes, … (encoded once, not per answer). */
  parts: (Buffer | Slot | ActionsPart)[];
  status: number;
  /** Header values split the same way: Next's preload Link header can carry the nonce too. */
  headers: [string, (string | Slot)[]][];
  bytes: number;
  /** When its render began: a comment older than this that it does not show is on a later page. */
  startedAt: number;
  /** The comments it shows with their actions, and whether a reader's name has its places: what a commenter's answer needs. */
  comments: Set<string>;
  personal: boolean;
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
  name: string;
  actions: string;
  /** By slug, each for PAGE_CACHE_SECONDS by `clock`: cachedPage's caller's while it looks (tests hold it still). */
  pages: LRUCache<string, Entry>;
  clock: () => number;
  /** Renders under way, by slug (see refresh). */
  filling: Map<string, Promise<Entry | null>>;
  /** Tells the other instances that pages changed (set by the cache channel while it is connected). */
  broadcast?: (slug: string | null) => void;
};

/** What a commenter's answer from a kept page fills in: their name, and their own actions. */
export type ReaderValues = { name: string; actions: (part: ActionsPart) => string | null };
/** What a commenter's answer needs to know of the kept page. */
export type KeptPage = Pick<Entry, "comments" | "startedAt" | "kept" | "personal">;

/** Past either bound the least recently served pages go (16 MB: 500 pages of 33 KB, 60 of 200 comments). */
export const MAX_PAGES = 500;
export const MAX_BYTES = 16 * 1024 * 1024;
/** What a kept part costs beyond its bytes: its Buffer object and its place in the list. */
const PART_OVERHEAD = 128;

/** The kept pages, their ages read by `clock`: lru-cache (bench/page-cache-lru.ts weighs it). */
export function newPages(clock: { now: () => number }): LRUCache<string, Entry> {
  return new LRUCache<string, Entry>({
    max: MAX_PAGES,
    maxSize: MAX_BYTES,
    sizeCalculation: (entry) => entry.bytes,
    // Past PAGE_CACHE_SECONDS a page is served once more while its successor renders (cachedPage).
    allowStale: true,
    noDeleteOnStaleGet: true,
    perf: clock,
    ttlResolution: 0, // not one reading of the clock kept for 1 ms (a timer each): each caller's is read
  });
}

// server.ts, proxy.ts and the pages are bundled apart but run in one process: one state.
const state: State = processWide("page-cache", () => ({
  secret: randomBytes(16).toString("hex"),
  // Letters and digits only, so they read the same in HTML, in JSON and in script strings.
  nonce: `mgnonce${randomBytes(12).toString("hex")}`,
  token: `mgtoken${randomBytes(12).toString("hex")}`,
  requestId: `mgrequest${randomBytes(12).toString("hex")}`,
  name: `mgname${randomBytes(12).toString("hex")}`,
  actions: `mgactions${randomBytes(12).toString("hex")}`,
  pages: newPages({ now: () => state.clock() }),
  clock: Date.now,
  filling: new Map(),
}));

export const TEMPLATE_HEADER = "x-marginalia-template";
/**
 * What the template render puts where each answer's nonce, form token, request id and reader's
 * name go; `actions` goes around each comment's actions (templateActions).
 */
const { nonce, token, requestId, name, actions } = state;
export const PLACEHOLDER = { nonce, token, requestId, name, actions } as const;
const TEXT_SLOTS = ["nonce", "token", "requestId", "name"] as const;
const PLACEHOLDERS = new RegExp(`(${TEXT_SLOTS.map((slot) => state[slot]).join("|")})`);
const SLOTS: Record<string, Slot> = Object.fromEntries(TEXT_SLOTS.map((slot) => [state[slot], slot]));
// A comment's actions in a template: mark, id (URI-encoded), count, 0 without Reply or 1 and whom
// it answers (URI-encoded), mark, markup, mark.
const ACTIONS = new RegExp(
  `${state.actions}([^\\s<]+) (\\d+) (0|1[^\\s<]*)${state.actions}([\\s\\S]*?)${state.actions}`,
  "g",
);

/** A comment's actions as a template render writes them, marked for a commenter's answer to replace. */
export function templateActions(id: string, count: number, replyTo: string | null, html: string): string {
  const mark = state.actions;
  const reply = replyTo === null ? "0" : `1${encodeURIComponent(replyTo)}`;
  return `${mark}${encodeURIComponent(id)} ${count} ${reply}${mark}${html}${mark}`;
}

/** An older page is still served while a fresh one renders; past this it is rendered first. */
const STALE_LIMIT_MS = 60_000;

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

/** Whether an index of the page is inside a script: there a name is a string in React's payload. */
function scriptsOf(html: string): (index: number) => boolean {
  const starts = [...html.matchAll(/<script\b/g)].map((match) => match.index);
  const ends = [...html.matchAll(/<\/script>/g)].map((match) => match.index);
  // The number of tags before `index`, by bisection: a page has a few dozen scripts and 200 comments.
  const before = (indices: number[], index: number) => {
    let [low, high] = [0, indices.length];
    while (low < high) {
      const middle = (low + high) >> 1;
      if (indices[middle] < index) low = middle + 1;
      else high = middle;
    }
    return low;
  };
  return (index) => before(starts, index) > before(ends, index);
}

/** The page's parts: its bytes, the slots each answer fills, and the comments' actions. */
function pageParts(html: string) {
  const inScript = scriptsOf(html);
  // Which of the name's places an index is (React writes a server action's bound state into `$ACTION_…` fields).
  const nameSlot = (index: number) =>
    inScript(index)
      ? "scriptName"
      : html.slice(html.lastIndexOf("<", index), index).includes(`name="${ACTION_FIELD_PREFIX}`)
        ? "actionName"
        : "name";
  const parts: Entry["parts"] = [];
  const names = { name: 0, scriptName: 0, actionName: 0 };
  let actionsInScript = false;
  const text = (from: number, to: number) => {
    let at = from;
    split(html.slice(from, to)).forEach((piece, i) => {
      if (i % 2 === 0) parts.push(Buffer.from(piece));
      else if (SLOTS[piece] !== "name") parts.push(SLOTS[piece]);
      else {
        const slot = nameSlot(at);
        parts.push(slot);
        names[slot]++;
      }
      at += piece.length;
    });
  };
  let last = 0;
  for (const match of html.matchAll(ACTIONS)) {
    text(last, match.index);
    actionsInScript ||= inScript(match.index);
    parts.push({
      id: decodeURIComponent(match[1]),
      count: Number(match[2]),
      replyTo: match[3] === "0" ? null : decodeURIComponent(match[3].slice(1)),
      html: Buffer.from(match[4]),
    });
    last = match.index + match[0].length;
  }
  text(last, html.length);
  return { parts, names, actionsInScript };
}

async function fill(slug: string, render: () => Promise<Response>, now: () => number): Promise<Entry | null> {
  try {
    const startedAt = now();
    const response = await render();
    const html = await response.text();
    // A page that sets a cookie is someone's: never shared (not expected for a reader without any).
    if (response.headers.has("set-cookie")) return null;
    const headers = [...response.headers]
      .filter(([name]) => !PER_RESPONSE.has(name.toLowerCase()))
      .map(([name, value]): [string, (string | Slot)[]] => [
        name,
        split(value).map((part, i) => (i % 2 === 0 ? part : SLOTS[part])),
      ]);
    const { parts, names, actionsInScript } = pageParts(html);
    const comments = new Set(parts.flatMap((part) => (typeof part === "object" && "id" in part ? [part.id] : [])));
    const headerBytes = headers.reduce((sum, [name, value]) => sum + name.length + value.join("").length, 0);
    const bytes = Buffer.byteLength(html) + parts.length * PART_OVERHEAD + headerBytes;
    // Kept only when complete: not an error, and with its comment form (a page rendered while the
    // database is away has none). Otherwise it answers the readers who waited for it, and no more;
    // so is an unknown slug's not-found page. Marks inside React's payload would change the
    // strings it carries: such a page (not a document render, not expected) is not kept.
    const kept = response.status === 200 && html.includes(state.token) && !actionsInScript;
    // A commenter's answer fills their name into the form's field and into the form's props in
    // React's payload, which must agree; a page without both places is served to no commenter.
    const personal = names.name > 0 && names.scriptName > 0;
    return {
      parts,
      status: response.status,
      headers,
      bytes,
      startedAt,
      servedAt: now(),
      comments,
      personal,
      kept,
    };
  } catch (error) {
    console.error(`page cache: cannot render ${articlePath(slug)}`, error);
    return null;
  }
}

/** Kept until PAGE_CACHE_SECONDS from `start` (at least 1 ms: lru-cache reads a ttl of 0 as never). */
function keep(slug: string, entry: Entry, start: number, ttlMs = ttl()): void {
  state.pages.set(slug, entry, { ttl: Math.max(1, Math.round(ttlMs)), start });
}

/**
 * Renders the page again, once for all who ask meanwhile. Not by lru-cache's fetch(): its render holds
 * a place in the cache (made-up slugs, never kept, would push pages out) and its waiters get only pages kept.
 */
function refresh(slug: string, render: () => Promise<Response>, now: () => number): Promise<Entry | null> {
  const running = state.filling.get(slug);
  if (running) return running;
  const filling = fill(slug, render, now).then((entry) => {
    // A comment change while this render ran makes it out of date: forgetPages dropped it.
    if (state.filling.get(slug) === filling) {
      state.filling.delete(slug);
      if (entry?.kept) keep(slug, { ...entry, render }, now());
    }
    return entry;
  });
  state.filling.set(slug, filling);
  return filling;
}

/**
 * The cached page of the article `slug`, rendered with `render` when there is none; a page older
 * than the TTL is served once more while its successor renders. Many readers arriving together
 * share one render. `now` is the clock (the tests hold it still).
 */
export async function cachedPage(
  slug: string,
  render: () => Promise<Response>,
  now: () => number = Date.now,
): Promise<Entry | null> {
  state.clock = now;
  const fresh = state.pages.get(slug, { allowStale: false });
  const found: LRUCache.Status<string, Entry> = {};
  // Its status (its age) only when there is no fresh page: asked on every look, it made a hit take 1.5 times as long.
  const entry = fresh ?? state.pages.get(slug, { status: found });
  state.clock = Date.now;
  if (!entry) return refresh(slug, render, now);
  entry.servedAt = now();
  if (fresh) return entry;
  const { start = 0, ttl: ttlMs, now: at = start } = found;
  // Served again: the last to go when the cache is full (lru-cache moves only fresh pages up).
  keep(slug, entry, start, ttlMs);
  const next = refresh(slug, render, now);
  return at - start < STALE_LIMIT_MS ? entry : next;
}

/**
 * The page for one answer: each placeholder, in the body and in the headers, replaced by this
 * answer's nonce or token. Every byte of a kept page passes through here, so none leaves with one.
 */
export function pageAnswer(
  entry: Entry,
  values: {
    nonce: string;
    token: string;
    requestId?: string;
    /** The reader's name for the comment form; none for a reader without cookies. */
    name?: string;
    /** A reader's own markup for a comment's actions, or null for the page's. */
    actions?: (part: ActionsPart) => string | null;
  },
): { status: number; headers: [string, string][]; body: Buffer } {
  const name = values.name ?? "";
  const answer = (slot: Slot) => {
    switch (slot) {
      case "name":
        return escapeHtml(name);
      case "scriptName":
        return inlineFlightString(name);
      case "actionName":
        return escapeHtml(flightString(name));
      case "requestId":
        return values.requestId ?? "";
      default:
        return values[slot];
    }
  };
  const body = Buffer.concat(
    entry.parts.map((part) => {
      if (Buffer.isBuffer(part)) return part;
      if (typeof part === "string") return Buffer.from(answer(part));
      const own = values.actions?.(part);
      return own == null ? part.html : Buffer.from(own);
    }),
  );
  const headers = entry.headers.map(([name, parts]): [string, string] => [
    name,
    parts.map((part, i) => (i % 2 === 0 ? part : answer(part as Slot))).join(""),
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
export function forgetPagesHere(slug?: string, { renderAgain = false, now = Date.now } = {}): void {
  if (!slug) {
    state.pages.clear();
    state.filling.clear();
    return;
  }
  const entry = state.pages.peek(slug);
  state.pages.delete(slug);
  state.filling.delete(slug);
  if (renderAgain && entry?.render && now() - entry.servedAt < STALE_LIMIT_MS) void refresh(slug, entry.render, now);
}

/** For the cache channel: how forgetPages tells the other instances (undefined: it cannot, now). */
export function setBroadcast(broadcast: State["broadcast"]): void {
  state.broadcast = broadcast;
}
