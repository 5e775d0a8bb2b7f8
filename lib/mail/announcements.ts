import "server-only";
import { listArticles, type ArticleSummary } from "../content/articles";
import type { Db } from "../server/db";
import { processWide } from "../process-wide";
import { mailEnabled } from "./mail";
import { enqueue } from "./outbox";

// New-article mails. An article is announced once, when it first becomes visible (its date came,
// its draft flag went): the row in ArticleAnnouncement is the claim. It is inserted in the same
// transaction as the mails, and its slug is the primary key, so of several instances (or a
// restart in the middle) exactly one transaction commits it with its mails; the others fail on
// the key and queue nothing.

/**
 * What else an article's first appearance sets off, in the transaction that claims it: so it
 * happens exactly when the announcement does (lib/fediverse queues the Create(Article) for its
 * followers). Registered once per process, whichever copy of this module registers it.
 */
export type AnnouncementHook = (tx: Db, article: ArticleSummary, now: Date) => Promise<void>;
const hooks = processWide<{ list: AnnouncementHook[] }>("announcement-hooks", () => ({ list: [] }));

export function onArticleAnnounced(hook: AnnouncementHook): void {
  hooks.list.push(hook);
}

/** Whether anything listens for new articles: mail to subscribers, or a hook. */
export const announcementsWanted = () => mailEnabled() || hooks.list.length > 0;

/** Queues a mail per confirmed "articles" subscriber for each article not announced yet. */
export async function announceNewArticles(db: Db, now = new Date(), dir?: string): Promise<string[]> {
  const visible = listArticles({ dir, includeDrafts: false, today: now.toISOString().slice(0, 10) });
  if (visible.length === 0) return [];
  const known = new Set((await db.articleAnnouncement.findMany({ select: { slug: true } })).map((a) => a.slug));
  // The first run knows nothing yet: what is visible then was published before mail was set up.
  if (known.size === 0) {
    await db.articleAnnouncement
      .createMany({ data: visible.map((a) => ({ slug: a.slug, createdAt: now })) })
      .catch(() => undefined);
    return [];
  }
  const announced: string[] = [];
  for (const article of visible.filter((a) => !known.has(a.slug))) {
    try {
      await db.$transaction(async (tx) => {
        await tx.articleAnnouncement.create({ data: { slug: article.slug, createdAt: now } });
        for (const hook of hooks.list) await hook(tx as unknown as Db, article, now);
        const followers = await tx.subscription.findMany({
          where: { kind: "articles", subscriber: { confirmedAt: { not: null } } },
          select: { id: true, subscriberId: true },
        });
        for (const follower of followers) {
          await enqueue(
            tx as unknown as Db,
            {
              kind: "article",
              subscriberId: follower.subscriberId,
              payload: { slug: article.slug, subscriptionId: follower.id },
            },
            now,
          );
        }
      });
      announced.push(article.slug);
    } catch (error) {
      // Another instance announced it first (the key is taken): nothing to do.
      if ((error as { code?: string }).code !== "P2002") throw error;
    }
  }
  return announced;
}
