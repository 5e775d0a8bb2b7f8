import { describe, expect, it } from "vitest";
import { createComment, listComments } from "@/lib/comments/store";
import { hasApprovedComment, isThreadLocked, setPinned, setThreadLocked } from "@/lib/comments/moderation";
import { providers, withDatabase } from "../support/databases";

describe.each(providers)("moderation on the page, on %s", (_name, open, skipReason) => {
  const database = withDatabase(open, skipReason);
  const post = async (slug: string, name: string, at: string) => {
    const result = await createComment(
      { slug, name, body: `${name} says hi`, status: "published" },
      database.db,
      new Date(at),
    );
    if (result.kind !== "created") throw new Error(result.kind);
    return result.id;
  };

  it.skipIf(skipReason)("pinned comments come first in every sort", async () => {
    await post("pins", "Old", "2026-01-01T00:00:00Z");
    const middle = await post("pins", "Middle", "2026-01-02T00:00:00Z");
    await post("pins", "New", "2026-01-03T00:00:00Z");
    expect(await setPinned(middle, true, database.db)).toBe(true);
    for (const sort of ["oldest", "newest", "best"] as const) {
      const names = (await listComments("pins", { sort }, database.db)).threads.map((c) => c.authorName);
      expect(names[0], sort).toBe("Middle");
    }
    expect((await listComments("pins", {}, database.db)).threads[0].pinned).toBe(true);
    await setPinned(middle, false, database.db);
    expect((await listComments("pins", {}, database.db)).threads.map((c) => c.authorName)).toEqual([
      "Old",
      "Middle",
      "New",
    ]);
    expect(await setPinned("no-such-comment", true, database.db)).toBe(false);
  });

  it.skipIf(skipReason)("a discussion is locked and reopened", async () => {
    expect(await isThreadLocked("locks", database.db)).toBe(false);
    await setThreadLocked("locks", true, database.db);
    await setThreadLocked("locks", true, database.db); // twice is once
    expect(await isThreadLocked("locks", database.db)).toBe(true);
    expect(await isThreadLocked("other", database.db)).toBe(false);
    await setThreadLocked("locks", false, database.db);
    expect(await isThreadLocked("locks", database.db)).toBe(false);
  });

  it.skipIf(skipReason)("the signed-in author sees hidden comments, marked; readers do not", async () => {
    const id = await post("hidden", "Hidden one", "2026-01-01T00:00:00Z");
    await database.db.comment.update({ where: { id }, data: { status: "hidden" } });
    expect((await listComments("hidden", {}, database.db)).threads).toEqual([]);
    const admin = await listComments("hidden", { viewer: { ownIds: new Set(), admin: true } }, database.db);
    expect(admin.threads.map((c) => [c.authorName, c.hidden])).toEqual([["Hidden one", true]]);
  });

  it.skipIf(skipReason)(
    "COMMENTS_MODERATION=first: a browser counts as known once one of its comments is published",
    async () => {
      const result = await createComment(
        { slug: "first", name: "New", body: "my first", status: "pending", browserId: "browser-a" },
        database.db,
      );
      expect(await hasApprovedComment("browser-a", database.db)).toBe(false);
      if (result.kind !== "created") throw new Error(result.kind);
      await database.db.comment.update({ where: { id: result.id }, data: { status: "published" } });
      expect(await hasApprovedComment("browser-a", database.db)).toBe(true);
      expect(await hasApprovedComment("browser-b", database.db)).toBe(false);
    },
  );
});
