// Markup that travels once. A server component's HTML string (an article's body, a comment) goes
// into React's payload as a prop, so a page carried it twice: once as HTML, once in the flight
// data the browser hydrates from. For a document (the first load, the page cache's template, a
// post without JavaScript) the string is kept here instead, under a key that is all the payload
// carries; the SSR pass of components/HtmlSlot.tsx, in this same process, writes it into the HTML,
// and in the browser the element keeps what the server wrote. A flight-only answer (soft
// navigation, a refresh after an action) has no HTML to carry it: there it travels as the prop.
// Only process-wide.ts and next-internals.ts, which import nothing: the client component reads
// this registry during its server render.

import { FLIGHT_REQUEST_HEADERS } from "./next-internals";
import { processWide } from "../process-wide";

type Registry = { entries: Map<string, { html: string; at: number }>; next: number; prefix: string };

// The pages and their server render are bundled apart but run in one process: one registry.
const registry = processWide<Registry>("html-slots", () => ({
  entries: new Map(),
  next: 0,
  prefix: Math.random().toString(36).slice(2, 8),
}));

/** A render that never reached its HTML (a request dropped midway) leaves its entries this long at most. */
const KEEP_MS = 30_000;

/**
 * Set by proxy.ts on a request answered with a document, for the pages to read: Next.js takes the
 * router's own headers (rsc, next-router-state-tree) off the request before the pages see it. Absent,
 * the markup travels in the payload too: bigger, never missing.
 */
export const DOCUMENT_HEADER = "x-marginalia-document";

/** For proxy.ts: whether a request asks for a document, not flight data. */
export function asksForDocument(headers: Headers): boolean {
  return !FLIGHT_REQUEST_HEADERS.some((name) => headers.has(name));
}

/** For the pages: whether proxy.ts marked this request as one answered with a document. */
export const answersWithDocument = (headers: Headers) => headers.get(DOCUMENT_HEADER) === "1";

/** Keeps `html` for the HTML render of this request; the key it answers is unique in the process. */
export function putSlot(html: string): string {
  const now = Date.now();
  for (const [key, entry] of registry.entries) {
    if (now - entry.at < KEEP_MS) break;
    registry.entries.delete(key);
  }
  const key = `${registry.prefix}${(registry.next++).toString(36)}`;
  registry.entries.set(key, { html, at: now });
  return key;
}

/** The HTML kept under `key`, once: the server render that writes it takes it. */
export function takeSlot(key: string): string | undefined {
  const entry = registry.entries.get(key);
  registry.entries.delete(key);
  return entry?.html;
}

/**
 * A short digest of `html` (FNV-1a, two seeds): the browser compares it with what an element
 * already shows, to leave an unchanged comment's DOM alone when the page refreshes. Not a
 * security boundary: it only ever compares two versions of one element's own markup.
 */
export function htmlDigest(html: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ html.length;
  for (let i = 0; i < html.length; i++) {
    const c = html.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  return `${(a >>> 0).toString(36)}${(b >>> 0).toString(36)}${html.length.toString(36)}`;
}

/** The props of components/HtmlSlot.tsx for `html`: kept for a document's HTML render, else carried in the payload. */
export function slotProps(html: string, document: boolean): { digest: string; slot?: string; html?: string } {
  const digest = htmlDigest(html);
  return document ? { digest, slot: putSlot(html) } : { digest, html };
}
