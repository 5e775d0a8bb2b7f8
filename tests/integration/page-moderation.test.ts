import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createComment, listComments } from "@/lib/comments/store";
import { hasApprovedComment, isThreadLocked, setPinned, setThreadLocked } from "@/lib/comments/moderation";
import type { Db } from "@/lib/server/db";
import { providers, type TestDatabase } from "../support/databases";

describe.each(providers)("moderation on the page, on %s", (_name, open, skipReason) => {
  let database: TestDatabase;
  let db: Db;
  beforeAll(async () => {
    if (skipReason) return;
    database = await open();
    db = database.db;
  });
  afterAll(async () => {
    await database?.drop();
  });
  const post = async (slug: string, name: string, at: string) => {
    const result = await createComment({ slug, name, body: `${name} says hi`, status: "published" }, db, new Date(at));
    if (result.kind !== "created") throw new Error(result.kind);
    return result.id;
  };

  it.skipIf(skipReason)("pinned comments come first in every sort", async () => {
    await post("pins", "Old", "2026-01-01T00:00:00Z");
    const middle = await post("pins", "Middle", "2026-01-02T00:00:00Z");
    await post("pins", "New", "2026-01-03T00:00:00Z");
    expect(await setPinned(middle, true, db)).toBe(true);
    for (const sort of ["oldest", "newest", "best"] as const) {
      const names = (await listComments("pins", { sort }, db)).threads.map((c) => c.authorName);
      expect(names[0], sort).toBe("Middle");
    }
    expect((await listComments("pins", {}, db)).threads[0].pinned).toBe(true);
    await setPinned(middle, false, db);
    expect((await listComments("pins", {}, db)).threads.map((c) => c.authorName)).toEqual(["Old", "Middle", "New"]);
    expect(await setPinned("no-such-comment", true, db)).toBe(false);
  });

  it.skipIf(skipReason)("a discussion is locked and reopened", async () => {
    expect(await isThreadLocked("locks", db)).toBe(false);
    await setThreadLocked("locks", true, db);
    await setThreadLocked("locks", true, db); // twice is once
    expect(await isThreadLocked("locks", db)).toBe(true);
    expect(await isThreadLocked("other", db)).toBe(false);
    await setThreadLocked("locks", false, db);
    expect(await isThreadLocked("locks", db)).toBe(false);
  });

  it.skipIf(skipReason)("the signed-in author sees hidden comments, marked; readers do not", async () => {
    const id = await post("hidden", "Hidden one", "2026-01-01T00:00:00Z");
    await db.comment.update({ where: { id }, data: { status: "hidden" } });
    expect((await listComments("hidden", {}, db)).threads).toEqual([]);
    const admin = await listComments("hidden", { viewer: { ownIds: new Set(), admin: true } }, db);
    expect(admin.threads.map((c) => [c.authorName, c.hidden])).toEqual([["Hidden one", true]]);
  });

  it.skipIf(skipReason)(
    "COMMENTS_MODERATION=first: a browser counts as known once one of its comments is published",
    async () => {
      const result = await createComment(
        { slug: "first", name: "New", body: "my first", status: "pending", browserId: "browser-a" },
        db,
      );
      expect(await hasApprovedComment("browser-a", db)).toBe(false);
      if (result.kind !== "created") throw new Error(result.kind);
      await db.comment.update({ where: { id: result.id }, data: { status: "published" } });
      expect(await hasApprovedComment("browser-a", db)).toBe(true);
      expect(await hasApprovedComment("browser-b", db)).toBe(false);
    },
  );
});
