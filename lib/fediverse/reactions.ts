import "server-only";
import type { Db } from "../server/db";
import { forgetPages } from "../server/page-cache";

// Likes and boosts (Announce) from the fediverse: one per actor per article (boosts) or per article
// and comment (likes), counted under the article. Signed by their actor (Fedify checked), from an
// instance not blocked (inbox.ts checked); an Undo removes its own.

export type ReactionKind = "like" | "announce";

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

/** How many likes (of the article itself) and boosts an article has from the fediverse. */
export async function reactionCounts(db: Db, slug: string): Promise<{ likes: number; boosts: number }> {
  const [likes, boosts] = await Promise.all([
    db.fediverseReaction.count({ where: { articleSlug: slug, kind: "like", target: "" } }),
    db.fediverseReaction.count({ where: { articleSlug: slug, kind: "announce" } }),
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
