// Where the fediverse asks (Fedify's URI templates), and which requests server.ts hands to Fedify
// rather than to Next.js: its own paths, and an article's URL asked for as ActivityStreams. No
// import of Fedify here: server.ts reads this for every request.

export const FEDIVERSE_PATHS = {
  actor: "/fediverse/{identifier}",
  inbox: "/fediverse/{identifier}/inbox",
  sharedInbox: "/fediverse/inbox",
  outbox: "/fediverse/{identifier}/outbox",
  followers: "/fediverse/{identifier}/followers",
  article: "/articles/{slug}",
  /** The author's answers to fediverse replies, as Notes. */
  note: "/fediverse/comments/{id}",
  nodeInfo: "/nodeinfo/2.1",
} as const;

/** Where other sites send Webmentions (webmention-receive.ts): one of the fediverse lane's paths. */
export const WEBMENTION_PATH = "/fediverse/webmention";

const OWN_PATHS = /^\/(?:fediverse\/|nodeinfo\/|\.well-known\/(?:webfinger|nodeinfo)(?:$|\?))/;
const ARTICLE = /^\/articles\/[^/?#]+(?:\?|$)/;
/** The media types of ActivityPub: what a server (Mastodon, Fedify) puts in Accept. */
const ACTIVITY_JSON = /application\/(?:activity\+json|ld\+json)/i;

/** Fedify's own paths: nothing else of the site answers there (an unknown one is Fedify's 404). */
export const isFediversePath = (url: string) => OWN_PATHS.test(url);

/** An article's page asked for with GET or HEAD (whatever it accepts). */
export const isArticlePage = (method: string | undefined, url: string | undefined) =>
  (method === "GET" || method === "HEAD") && ARTICLE.test(url ?? "");

/** Whether a request is the fediverse's: server.ts then answers it with Fedify, before the page cache. */
export function isFediverseRequest(method: string | undefined, url: string | undefined, accept: string | undefined) {
  if (!url) return false;
  if (OWN_PATHS.test(url)) return true;
  return (method === "GET" || method === "HEAD") && ARTICLE.test(url) && ACTIVITY_JSON.test(accept ?? "");
}
