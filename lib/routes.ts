// Every address of the site, in one place: pages, feeds, forms, redirects, the page cache and the
// proxy build their paths here, so a route can move without a hunt through the tree.

import { slugify } from "./slug";

export const HOME_PATH = "/";
export const SEARCH_PATH = "/search";
export const TAGS_PATH = "/tags";
export const RSS_PATH = "/feed.xml";
export const ATOM_PATH = "/atom.xml";
export const ADMIN_PATH = "/admin";
export const ADMIN_EXPORT_PATH = "/admin/export";
export const ADMIN_IMPORT_PATH = "/admin/import";
/** Where mail providers POST an RFC 8058 one-click unsubscribe. */
export const EMAIL_ONE_CLICK_PATH = "/email/one-click";

const ARTICLES = "/articles";

/** Page 1 is the index itself; later pages live at /page/N. */
export function pagePath(page: number): string {
  return page === 1 ? HOME_PATH : `/page/${page}`;
}

export function articlePath(slug: string): string {
  return `${ARTICLES}/${slug}`;
}

/** The slug of an article page's path (`/articles/<slug>`, nothing below it), still encoded. */
export function articleSlugOf(pathname: string): string | null {
  const match = /^\/articles\/([^/]+)$/.exec(pathname);
  return match ? match[1] : null;
}

/** An article path with a query (sort, page of threads, a form to open) and a fragment. */
export function articleUrl(slug: string, query?: URLSearchParams | string, fragment?: string): string {
  const search = query?.toString();
  return `${articlePath(slug)}${search ? `?${search}` : ""}${fragment ? `#${fragment}` : ""}`;
}

/** A comment's anchor on its article page. */
export function commentAnchor(id: string): string {
  return `comment-${id}`;
}

/**
 * Where the comment form's POST without JavaScript leads (POST-redirect-GET): the new comment, its
 * page saying it is posted, or for a post stored as nothing (a bot's), the comments.
 */
export function postedCommentPath(slug: string, id: string | null): string {
  return id ? articleUrl(slug, `posted=${id}`, commentAnchor(id)) : articleUrl(slug, undefined, "comments");
}

export function commentPath(slug: string, id: string): string {
  return articleUrl(slug, undefined, commentAnchor(id));
}

export function commentFeedPath(slug: string): string {
  return `${articlePath(slug)}/comments.xml`;
}

export function reactionsPath(slug: string): string {
  return `${articlePath(slug)}/reactions`;
}

/** Where a reader's Delete of their own comment is posted (app/articles/[slug]/delete). */
export function deletePath(slug: string): string {
  return `${articlePath(slug)}/delete`;
}

export function commentsApiPath(slug: string): string {
  return `/api${articlePath(slug)}/comments`;
}

export function previewPath(slug: string): string {
  return `/preview/${slug}`;
}

/** `/tags/next-js` for "Next.js": tags are matched by slug, so "Next.js" and "next.js" are one. */
export function tagPath(name: string): string {
  return `${TAGS_PATH}/${slugify(name)}`;
}

/** An author's page, by their name as articles spell it. */
export function authorPath(name: string): string {
  return `/authors/${slugify(name)}`;
}

export function adminPath(query?: Record<string, string>): string {
  const search = query ? new URLSearchParams(query).toString() : "";
  return search ? `${ADMIN_PATH}?${search}` : ADMIN_PATH;
}

/** Liveness: 200 while the process answers (cheap: no database). */
export const HEALTH_PATH = "/healthz";
/** Readiness: 200 when the database answers and its migrations are current, else 503 with the reason. */
export const READY_PATH = "/readyz";
