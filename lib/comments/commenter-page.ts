import "server-only";
import { RequestCookies } from "@edge-runtime/cookies";
import { hasAdminCookie } from "../server/admin";
import type { KeptPage, ReaderValues } from "../server/page-cache";
import { setCommenter } from "../server/page-cache-http";
import { settings } from "../settings";
import { commentActionsHtml, minutesLeft } from "./html";
import { nameFrom, viewerFrom } from "./reader";
import { editableUntil, ownCommentsOn, reactedOn, THREADS_PER_PAGE } from "./store";

// A reader with cookies (who posted or gave a 👍) sees an article's page as everyone does but in
// two places: their name in the comment form, and the actions of their comments (their 👍
// pressed; Edit and Delete while they may). Both are filled into the page kept for readers without
// cookies (lib/server/page-cache.ts), by server.ts, rather than rendering two hundred comments
// again for each of them. What the kept page cannot show is rendered for them as before: a comment
// of theirs only they see (awaiting moderation, a banned author's), one newer than the kept page,
// and the author's session. Their cookies are read as Next.js reads them (the same parser).

/** Comments this much older than the kept page's render are in it, or on a later page: clocks of two servers may differ. */
const CLOCK_SLACK_MS = 5_000;

async function readerValues(slug: string, cookie: string, page: KeptPage): Promise<ReaderValues | null> {
  const jar = new RequestCookies(new Headers({ cookie }));
  if (hasAdminCookie(jar)) return null;
  const viewer = viewerFrom(jar);
  const [reacted, own] = await Promise.all([
    reactedOn(slug, viewer),
    viewer.ownIds.size ? ownCommentsOn(slug, viewer) : [],
  ]);
  const now = Date.now();
  /** Their comments they may still edit, with the minutes left. */
  const editable = new Map<string, number>();
  for (const comment of own) {
    if (comment.deletedAt || comment.status === "hidden") continue; // as everyone sees it
    if (comment.status !== "published") return null; // shown to them alone
    if (!page.comments.has(comment.id)) {
      // One they just wrote must show at once; an older one is on a later page of threads.
      if (comment.createdAt.getTime() >= page.startedAt - CLOCK_SLACK_MS) return null;
      continue;
    }
    const left = minutesLeft(editableUntil(comment.createdAt, settings().COMMENT_EDIT_MINUTES), now);
    if (left > 0) editable.set(comment.id, left);
  }
  // The kept page is the one at the article's own address: default sort and number of threads.
  const context = { slug, sort: "oldest" as const, threads: THREADS_PER_PAGE };
  return {
    name: nameFrom(jar),
    actions: ({ id, count, replyTo }) =>
      reacted.has(id) || editable.has(id)
        ? commentActionsHtml(
            { id, count, replyTo, reacted: reacted.has(id), editMinutesLeft: editable.get(id) ?? 0 },
            context,
          )
        : null,
  };
}

/** Called once per process (instrumentation.ts): from now on, commenters get the kept page filled in for them. */
export function serveCommenters(): void {
  setCommenter(readerValues);
}
