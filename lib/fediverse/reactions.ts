import "server-only";
import type { Db } from "../server/db";
import { forgetPages } from "../server/page-cache";

// Likes and boosts (Announce) from the fediverse: one per actor per article (boosts) or per article
// and comment (likes), counted under the article. Signed by their actor (Fedify checked), from an
// instance not blocked (inbox.ts checked); an Undo removes its own.

export type ReactionKind = "like" | "announce";

/** Likes and reposts sent by Webmention (webmention-receive.ts) are kept here too, under ids of their own, and counted apart. */
export const WEBMENTION_REACTION_PREFIX = "webmention:";
const fromFediverse = { id: { not: { startsWith: WEBMENTION_REACTION_PREFIX } } };
const fromWebmention = { id: { startsWith: WEBMENTION_REACTION_PREFIX } };

/** Keeps a like or boost; the same one again (another activity id) changes nothing. */
export async function addReaction(
  db: Db,
  reaction: { id: string; kind: ReactionKind; actor: string; slug: string; commentId: string | null },
): Promise<boolean> {
  try {
    await db.fediverseReaction.create({
      data: {
        id: reaction.id,
        kind: reaction.kind,
        actor: reaction.actor,
        articleSlug: reaction.slug,
        target: reaction.commentId ?? "",
      },
    });
  } catch (error) {
    if ((error as { code?: string }).code === "P2002") return false;
    throw error;
  }
  forgetPages(reaction.slug);
  return true;
}

/** Its actor's Undo of a like or boost. */
export async function removeReaction(db: Db, id: string, actor: string): Promise<boolean> {
  const row = await db.fediverseReaction.findUnique({ where: { id }, select: { actor: true, articleSlug: true } });
  if (!row || row.actor !== actor) return false;
  await db.fediverseReaction.delete({ where: { id } });
  forgetPages(row.articleSlug);
  return true;
}

/**
 * How many likes (of the article itself) and boosts an article has from the fediverse, or by
 * Webmention from other sites (likes and reposts).
 */
export async function reactionCounts(
  db: Db,
  slug: string,
  from: "fediverse" | "webmention" = "fediverse",
): Promise<{ likes: number; boosts: number }> {
  const source = from === "fediverse" ? fromFediverse : fromWebmention;
  const [likes, boosts] = await Promise.all([
    db.fediverseReaction.count({ where: { articleSlug: slug, kind: "like", target: "", ...source } }),
    db.fediverseReaction.count({ where: { articleSlug: slug, kind: "announce", ...source } }),
  ]);
  return { likes, boosts };
}

/** The fediverse likes of an article's comments, by comment id (only those liked). */
export async function commentLikeCounts(db: Db, slug: string): Promise<Record<string, number>> {
  const rows = await db.fediverseReaction.groupBy({
    by: ["target"],
    where: { articleSlug: slug, kind: "like", target: { not: "" } },
    _count: { _all: true },
  });
  return Object.fromEntries(rows.map((row) => [row.target, row._count._all]));
}
