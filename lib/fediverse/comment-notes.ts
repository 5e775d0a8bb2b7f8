import "server-only";
import type { Context } from "@fedify/fedify";
import { Note, PUBLIC_COLLECTION } from "@fedify/fedify/vocab";
import { Temporal } from "@js-temporal/polyfill";
import { renderCommentForPage } from "../content/comment-markdown";
import { escapeHtml } from "../html-escape";
import { articlePath, commentAnchor } from "../routes";
import type { Db } from "../server/db";
import type { FediverseOptions } from "./federation";

// The whole discussion in an article's `replies` collection, so a fediverse server showing the
// article shows the comments written on the page (and by Webmention) beside its own replies. A
// fediverse reply is listed by its own Note's id; any other published comment is served here as a
// Note at /fediverse/comments/<id>, attributed to the site's actor (the only actor the site has:
// readers have no account), its writer named at the start, in reply to the comment it answers or
// to the article. A comment held, hidden or deleted is neither listed nor served.

/** Fediverse replies' actors are URLs; Webmention replies' are "webmention:<domain>" (webmention-receive.ts). */
export const isFediverseReply = <T extends { remoteId: string | null; remoteActor: string | null }>(
  row: T,
): row is T & { remoteId: string; remoteActor: string } =>
  row.remoteId !== null && row.remoteActor !== null && /^https?:/.test(row.remoteActor);

const VISIBLE = { status: "published", deletedAt: null } as const;

/** An article's published comments, oldest first (at most 200), as the ids the fediverse knows them by. */
export async function replyIds(ctx: Context<void>, db: Db, slug: string): Promise<URL[]> {
  const rows = await db.comment.findMany({
    where: { articleSlug: slug, ...VISIBLE },
    select: { id: true, remoteId: true, remoteActor: true },
    orderBy: { createdAt: "asc" },
    take: 200,
  });
  return rows.map((row) => (isFediverseReply(row) ? new URL(row.remoteId) : ctx.getObjectUri(Note, { id: row.id })));
}

/** A published comment that did not come from the fediverse, as a Note; null for any other. */
export async function commentNote(ctx: Context<void>, options: FediverseOptions, db: Db, id: string) {
  const comment = await db.comment.findFirst({
    where: { id, ...VISIBLE },
    select: {
      id: true,
      articleSlug: true,
      authorName: true,
      byAuthor: true,
      body: true,
      createdAt: true,
      parentId: true,
      remoteId: true,
      remoteActor: true,
    },
  });
  if (!comment || isFediverseReply(comment)) return null;
  const parent = comment.parentId
    ? await db.comment.findFirst({
        where: { id: comment.parentId, ...VISIBLE },
        select: { id: true, remoteId: true, remoteActor: true },
      })
    : null;
  const article = new URL(articlePath(comment.articleSlug), options.origin);
  const replyTarget = !parent
    ? article
    : isFediverseReply(parent)
      ? new URL(parent.remoteId)
      : ctx.getObjectUri(Note, { id: parent.id });
  const byline = comment.byAuthor ? "" : `<p><strong>${escapeHtml(comment.authorName)}</strong>:</p>`;
  return new Note({
    id: ctx.getObjectUri(Note, { id: comment.id }),
    attribution: ctx.getActorUri(options.handle),
    content: byline + renderCommentForPage(comment.body),
    mediaType: "text/html",
    url: new URL(`${article.pathname}#${commentAnchor(comment.id)}`, options.origin),
    replyTarget,
    published: Temporal.Instant.fromEpochMilliseconds(comment.createdAt.getTime()),
    to: PUBLIC_COLLECTION,
  });
}
