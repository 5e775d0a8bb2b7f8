import "server-only";
import { getAuthenticatedDocumentLoader, kvCache, type KvStore } from "@fedify/fedify";
import {
  FetchError,
  getRemoteDocument,
  preloadedContexts,
  type DocumentLoader,
  type RemoteDocument,
} from "@fedify/fedify/runtime";
import { takeFetch } from "./inbound-limit";
import { safeFetch, type Fetched } from "./safe-fetch";

// How Fedify fetches what other servers name (actors, keys, objects, JSON-LD contexts). Its own
// loader asks the DNS whether a name is private and then lets fetch() look it up again (a name can
// answer twice, differently), waits as long as the server takes and reads the whole body. This one
// fetches through safe-fetch.ts (the address checked when the connection is made; time, size and
// redirects bounded), and spends the budget of the inbox post being checked (inbound-limit.ts), so
// a forged signature naming a new key, a chain of alternate links or a body of remote contexts
// costs the site a few fetches, no more. What was fetched is cached as Fedify caches it (its
// kvCache, five minutes, in the store), and only what is not cached is counted.

/** A document (an actor, a key, a context) is a few KB; more is refused, not cut. */
export const DOCUMENT_LIMITS = { maxBytes: 256 * 1024, timeoutMs: 10_000, maxRedirects: 5 };

const ACCEPT = "application/activity+json, application/ld+json";
/** The statuses whose Response carries no body. */
const NO_BODY = new Set([204, 205, 304]);

const asHeaders = (fetched: Fetched) => {
  const headers = new Headers();
  for (const [name, value] of Object.entries(fetched.headers)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
  }
  return headers;
};

/** The loader of documents and contexts, bounded (uncached: boundedLoaders caches it). */
export function boundedDocumentLoader(allowPrivateAddress: boolean, userAgent: string): DocumentLoader {
  const load: DocumentLoader = async (url, options) => {
    if (url in preloadedContexts) return { contextUrl: null, document: preloadedContexts[url], documentUrl: url };
    if (!(await takeFetch(url))) throw new FetchError(url, "no fetches left for this post");
    let fetched: Fetched;
    try {
      fetched = await safeFetch(
        url,
        { ...DOCUMENT_LIMITS, allowPrivateAddress },
        { headers: { accept: ACCEPT, "user-agent": userAgent }, signal: options?.signal },
      );
    } catch (error) {
      throw new FetchError(url, error instanceof Error ? error.message : String(error));
    }
    if (fetched.truncated) throw new FetchError(url, `larger than ${DOCUMENT_LIMITS.maxBytes} bytes`);
    if (fetched.status < 200 || fetched.status > 599) throw new FetchError(url, `HTTP ${fetched.status}`);
    const body = NO_BODY.has(fetched.status) ? null : new Uint8Array(fetched.body);
    const response = new Response(body, { status: fetched.status, headers: asHeaders(fetched) });
    // The document's URL is where the redirects ended, as fetch() would say (Fedify checks ids against it).
    return getRemoteDocument(fetched.url, response, (next) => load(next, options));
  };
  return load;
}

/** The loaders the federation is made with (federation.ts). */
export function boundedLoaders(kv: KvStore, allowPrivateAddress: boolean, userAgent: string) {
  const cached = kvCache({ loader: boundedDocumentLoader(allowPrivateAddress, userAgent), kv });
  return {
    documentLoaderFactory: () => cached,
    contextLoaderFactory: () => cached,
    // Fetches signed as the site (answers.ts's lookups, off the inbox's path): Fedify's own, with
    // the same bounds on time and on the post's budget.
    authenticatedDocumentLoaderFactory: (identity: Parameters<typeof getAuthenticatedDocumentLoader>[0]) => {
      const signed = getAuthenticatedDocumentLoader(identity, { allowPrivateAddress, userAgent });
      return async (url: string, options?: { signal?: AbortSignal }): Promise<RemoteDocument> => {
        if (!(url in preloadedContexts) && !(await takeFetch(url))) {
          throw new FetchError(url, "no fetches left for this post");
        }
        const timeout = AbortSignal.timeout(DOCUMENT_LIMITS.timeoutMs);
        return signed(url, { signal: options?.signal ? AbortSignal.any([timeout, options.signal]) : timeout });
      };
    },
  };
}
