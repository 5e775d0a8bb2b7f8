import "server-only";
import { addBlock } from "../comments/service";
import type { Db } from "../server/db";

// The followers as /admin shows them, and what the author may do about one: remove them (they
// get nothing more), or block their instance (a domain blocklist entry set to refuse, kept with
// the other bans and blocklists: its replies and follows are refused, and its followers removed).
// No Fedify here: the admin page never loads it.

export const FOLLOWERS_SHOWN = 200;

export async function listFollowers(db: Db) {
  const [count, rows] = await Promise.all([
    db.fediverseFollower.count(),
    db.fediverseFollower.findMany({
      orderBy: { createdAt: "desc" },
      take: FOLLOWERS_SHOWN,
      select: { id: true, handle: true, domain: true, createdAt: true },
    }),
  ]);
  return { count, rows };
}

export async function removeFollower(db: Db, id: string): Promise<boolean> {
  return (await db.fediverseFollower.deleteMany({ where: { id } })).count > 0;
}

/** Blocks an instance: a refusing domain entry, through the comment service, and its followers gone. */
export async function blockInstance(db: Db, domain: string) {
  const result = await addBlock(
    { kind: "domain", value: domain, action: "refuse", note: "fediverse instance, blocked with its followers" },
    db,
  );
  if (result.kind !== "saved") return result;
  await db.fediverseFollower.deleteMany({
    where: { OR: [{ domain: result.rule.value }, { domain: { endsWith: `.${result.rule.value}` } }] },
  });
  return result;
}
