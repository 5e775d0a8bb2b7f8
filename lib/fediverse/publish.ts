import "server-only";
import { createHash, randomUUID } from "node:crypto";
import type { Context } from "@fedify/fedify";
import { type Article, Delete, PUBLIC_COLLECTION, Tombstone, Update } from "@fedify/fedify/vocab";
import { articlePath } from "../routes";
import { onArticleAnnounced } from "../mail/announcements";
import { logger } from "../server/log";
import { processWide } from "../process-wide";
import type { SiteFederation } from "./federation";
import { articleObject, createArticleActivity } from "./federation";
import { sendMessage } from "./webmention-send";

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
    // And the pages it links to get a Webmention (webmention-send.ts).
    await tx.fediverseMessage.createMany({
      data: [{ type: PUBLISH, slug: article.slug }, sendMessage(article.slug)].map((message) => ({
        id: randomUUID(),
        payload: JSON.stringify(message),
        availableAt: now,
      })),
    });
  });
}

/** Sends an article's Create to the followers; an article gone meanwhile is sent nowhere. */
export async function publishArticle(site: SiteFederation, ctx: Context<void>, message: PublishMessage) {
  const article = articleObject(ctx, site.options, message.slug);
  if (!article) return;
  await rememberSent(site, message.slug, article);
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

// An article changed or removed after it was sent: followers get an Update, or a Delete. What was
// sent is remembered per article in the key-value store (a hash of what the fediverse sees); a
// look every minute compares it with the article as it is now. The new hash is written by
// compare-and-swap, so of several instances that notice the same change, one sends it.

const sentKey = (slug: string) => ["marginalia", "article", slug] as const;
type Sent = { hash: string } | { deleted: true };

const hashOf = (article: Article) =>
  createHash("sha256")
    .update(JSON.stringify([article.name, article.summary, article.content, article.updated?.toString()]))
    .digest("base64url");

/** Notes what an article looked like when it was sent (publishArticle, and the sync). */
export async function rememberSent(site: SiteFederation, slug: string, article: Article) {
  await site.kv.set(sentKey(slug), { hash: hashOf(article) } satisfies Sent);
}

/** Sends an Update for each article changed since it was sent, a Delete for each gone; returns what was sent. */
export async function syncArticles(site: SiteFederation, ctx: Context<void>): Promise<string[]> {
  const sent: string[] = [];
  const sender = { identifier: site.options.handle };
  for await (const entry of site.kv.list(["marginalia", "article"])) {
    const slug = entry.key[2];
    const before = entry.value as Sent;
    if (!slug || "deleted" in before) continue;
    const article = articleObject(ctx, site.options, slug);
    const actor = ctx.getActorUri(site.options.handle);
    if (!article) {
      if (!(await site.kv.cas(entry.key, before, { deleted: true } satisfies Sent))) continue;
      const id = new URL(articlePath(slug), site.options.origin);
      await ctx.sendActivity(
        sender,
        "followers",
        new Delete({
          id: new URL(`${id.href}#delete`),
          actor,
          object: new Tombstone({ id }),
          to: PUBLIC_COLLECTION,
          cc: ctx.getFollowersUri(site.options.handle),
        }),
        { preferSharedInbox: true },
      );
      sent.push(`delete ${slug}`);
      // The pages it linked to learn it is gone (their check finds a 404).
      await site.queue.enqueue(sendMessage(slug));
      continue;
    }
    const hash = hashOf(article);
    if (hash === before.hash || !(await site.kv.cas(entry.key, before, { hash } satisfies Sent))) continue;
    await ctx.sendActivity(
      sender,
      "followers",
      new Update({
        id: new URL(`${article.id!.href}#updates/${hash.slice(0, 16)}`),
        actor,
        object: article,
        to: PUBLIC_COLLECTION,
        cc: ctx.getFollowersUri(site.options.handle),
      }),
      { preferSharedInbox: true },
    );
    sent.push(`update ${slug}`);
    await site.queue.enqueue(sendMessage(slug));
  }
  if (sent.length) logger().info({ event: "fediverse", sent }, "article changes sent to followers");
  return sent;
}
