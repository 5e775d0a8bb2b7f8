import "server-only";
import { randomUUID } from "node:crypto";
import type { Context } from "@fedify/fedify";
import { onArticleAnnounced } from "../mail/announcements";
import { logger } from "../server/log";
import { processWide } from "../process-wide";
import type { SiteFederation } from "./federation";
import { articleObject, createArticleActivity } from "./federation";

// A new article reaches followers. The moment is the new-article mail's (lib/mail/announcements.ts):
// an article's first appearance, claimed once by one instance in one transaction, after restarts
// too. In that transaction a "publish" message is written to the fediverse queue, so it exists
// exactly when the claim does; whichever instance takes it from the queue sends the Create(Article)
// to the followers (Fedify fans it out through the same queue, one delivery per shared inbox).

const PUBLISH = "marginalia.publish";
type PublishMessage = { type: typeof PUBLISH; slug: string };

export const isPublishMessage = (message: unknown): message is PublishMessage =>
  typeof message === "object" &&
  message !== null &&
  (message as { type?: unknown }).type === PUBLISH &&
  typeof (message as { slug?: unknown }).slug === "string";

const hooked = processWide<{ done?: boolean }>("fediverse-publish", () => ({}));

/** Hooks the fediverse to the announcement of new articles (once per process). */
export function publishNewArticles(): void {
  if (hooked.done) return;
  hooked.done = true;
  onArticleAnnounced(async (tx, article, now) => {
    await tx.fediverseMessage.create({
      data: { id: randomUUID(), payload: JSON.stringify({ type: PUBLISH, slug: article.slug }), availableAt: now },
    });
  });
}

/** Sends an article's Create to the followers; an article gone meanwhile is sent nowhere. */
export async function publishArticle(site: SiteFederation, ctx: Context<void>, message: PublishMessage) {
  const article = articleObject(ctx, site.options, message.slug);
  if (!article) return;
  await ctx.sendActivity(
    { identifier: site.options.handle },
    "followers",
    createArticleActivity(ctx, site.options, article),
    {
      preferSharedInbox: true,
    },
  );
  logger().info({ event: "fediverse", slug: message.slug }, "article sent to followers");
}
