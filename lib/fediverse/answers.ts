import "server-only";
import { randomUUID } from "node:crypto";
import type { Context } from "@fedify/fedify";
import { Create, isActor, Mention, Note, PUBLIC_COLLECTION } from "@fedify/fedify/vocab";
import { Temporal } from "@js-temporal/polyfill";
import { onCommentStored } from "../comments/service";
import { renderCommentForPage } from "../content/comment-markdown";
import { logger } from "../server/log";
import { processWide } from "../process-wide";
import { articlePath, commentAnchor } from "../routes";
import type { Db } from "../server/db";
import type { FediverseOptions, SiteFederation } from "./federation";
import { isFediverseReply } from "./comment-notes";

// The author's answer to a fediverse reply goes back to its writer: when the signed-in author
// posts a reply (on the page or by mail) to a comment that came from the fediverse, a Create(Note)
// in reply to their Note is delivered to them, so they see it where they wrote. The message is
// queued in the comment's own transaction (lib/comments/service/hooks.ts), sent from the queue.
// The Note lives at /fediverse/comments/<id> (federation.ts serves it).

const ANSWER = "marginalia.answer";
type AnswerMessage = { type: typeof ANSWER; commentId: string; answers: string };

export const isAnswerMessage = (message: unknown): message is AnswerMessage =>
  typeof message === "object" &&
  message !== null &&
  (message as { type?: unknown }).type === ANSWER &&
  typeof (message as { commentId?: unknown }).commentId === "string" &&
  typeof (message as { answers?: unknown }).answers === "string";

const hooked = processWide<{ done?: boolean }>("fediverse-answers", () => ({}));

/** Hooks the fediverse to the author's published replies (once per process). */
export function deliverAuthorAnswers(): void {
  if (hooked.done) return;
  hooked.done = true;
  onCommentStored({
    name: "fediverse-answer",
    wants: (comment) => comment.byAuthor && comment.answers !== null && comment.status === "published",
    run: async (tx, comment) => {
      const answered = await tx.comment.findUnique({
        where: { id: comment.answers! },
        select: { remoteId: true, remoteActor: true },
      });
      // Only a fediverse reply is answered there (a Webmention's source has no inbox).
      if (!answered || !isFediverseReply(answered)) return;
      const message: AnswerMessage = { type: ANSWER, commentId: comment.id, answers: comment.answers! };
      await tx.fediverseMessage.create({ data: { id: randomUUID(), payload: JSON.stringify(message) } });
    },
  });
}

/** The author's comment as a Note, in reply to the fediverse reply it answers; null if it is not one. */
export async function authorNote(ctx: Context<void>, options: FediverseOptions, db: Db, id: string, answers?: string) {
  const comment = await db.comment.findFirst({
    where: { id, byAuthor: true, status: "published", deletedAt: null },
    select: { id: true, articleSlug: true, body: true, createdAt: true, parentId: true },
  });
  const answeredId = answers ?? comment?.parentId;
  if (!comment || !answeredId) return null;
  const answered = await db.comment.findUnique({
    where: { id: answeredId },
    select: { remoteId: true, remoteActor: true, authorHandle: true },
  });
  if (!answered || !isFediverseReply(answered)) return null;
  const actor = ctx.getActorUri(options.handle);
  return {
    recipient: new URL(answered.remoteActor),
    note: new Note({
      id: ctx.getObjectUri(Note, { id: comment.id }),
      attribution: actor,
      content: renderCommentForPage(comment.body),
      mediaType: "text/html",
      url: new URL(`${articlePath(comment.articleSlug)}#${commentAnchor(comment.id)}`, options.origin),
      replyTarget: new URL(answered.remoteId),
      published: Temporal.Instant.fromEpochMilliseconds(comment.createdAt.getTime()),
      to: PUBLIC_COLLECTION,
      ccs: [ctx.getFollowersUri(options.handle), new URL(answered.remoteActor)],
      tags: [new Mention({ href: new URL(answered.remoteActor), name: answered.authorHandle })],
    }),
  };
}

/** Delivers an answer to the person it answers (their inbox, found from their actor). */
export async function publishAnswer(site: SiteFederation, ctx: Context<void>, message: AnswerMessage) {
  const found = await authorNote(ctx, site.options, site.options.db(), message.commentId, message.answers);
  if (!found) return;
  const recipient = await ctx.lookupObject(found.recipient);
  if (!recipient || !isActor(recipient)) return;
  const actor = ctx.getActorUri(site.options.handle);
  await ctx.sendActivity(
    { identifier: site.options.handle },
    recipient,
    new Create({
      id: new URL(`${found.note.id!.href}#create`),
      actor,
      object: found.note,
      to: PUBLIC_COLLECTION,
      ccs: [ctx.getFollowersUri(site.options.handle), found.recipient],
    }),
  );
  logger().info({ event: "fediverse", commentId: message.commentId }, "answer sent to the fediverse");
}
