import { beforeAll, describe, expect, it } from "vitest";
import {
  createComment,
  listComments,
  MAX_THREADS_PER_PAGE,
  pageComments,
  toggleReaction,
  type CommentCursor,
} from "@/lib/comments/store";
import type { Db } from "@/lib/server/db";
import { providers, withDatabase } from "../support/databases";

const THREADS = 10_000;
const REPLIES = 10_000;
const SLUG = "a-very-long-discussion";
const start = Date.parse("2026-01-01T00:00:00Z");

/** 10,000 threads a second apart; the first has 10,000 replies, written straight in, in chunks. */
async function seed(db: Db): Promise<void> {
  const rows = [];
  for (let i = 0; i < THREADS; i++) {
    const id = `thread-${String(i).padStart(5, "0")}`;
    rows.push({
      id,
      articleSlug: SLUG,
      rootId: id,
      authorName: `Reader ${i}`,
      body: `Thread ${i}`,
      createdAt: new Date(start + i * 1000),
    });
  }
  for (let i = 0; i < REPLIES; i++) {
    rows.push({
      id: `reply-${String(i).padStart(5, "0")}`,
      articleSlug: SLUG,
      parentId: "thread-00000",
      rootId: "thread-00000",
      depth: 2,
      authorName: `Replier ${i}`,
      body: `Reply ${i}`,
      createdAt: new Date(start + 500 + i),
    });
  }
  for (let i = 0; i < rows.length; i += 2_000) await db.comment.createMany({ data: rows.slice(i, i + 2_000) });
}

describe.each(providers)("a discussion of 10,000 threads on %s", (_name, open, skipReason) => {
  const database = withDatabase(open, skipReason);
  const reader = { ownIds: new Set<string>(), voterId: "reader" };

  beforeAll(async () => {
    if (skipReason) return;
    await seed(database.db);
    await toggleReaction("reply-09999", reader.voterId, database.db);
    await toggleReaction("thread-09999", reader.voterId, database.db);
  }, 180_000);

  describe.skipIf(skipReason)("lists, pages and posts", () => {
    it("lists the page's most threads, with the 10,000 replies and the reader's 👍", { timeout: 120_000 }, async () => {
      const page = await listComments(SLUG, { threads: MAX_THREADS_PER_PAGE, viewer: reader }, database.db);
      expect(page).toMatchObject({ count: THREADS + REPLIES, hasMore: true });
      expect(page.threads).toHaveLength(MAX_THREADS_PER_PAGE);
      const [first] = page.threads;
      expect(first.replies).toHaveLength(REPLIES);
      expect(first.replies.at(-1)).toMatchObject({ authorName: "Replier 9999", reacted: true });

      const newest = await listComments(
        SLUG,
        { sort: "newest", threads: MAX_THREADS_PER_PAGE, viewer: reader },
        database.db,
      );
      expect(newest.threads[0]).toMatchObject({ authorName: "Reader 9999", reacted: true, reactions: 1 });
    });

    it("lists all of them at once when asked", { timeout: 120_000 }, async () => {
      const page = await listComments(SLUG, { threads: THREADS, viewer: reader }, database.db);
      expect(page.threads).toHaveLength(THREADS);
      expect(page.hasMore).toBe(false);
    });

    it(
      "pages through every thread and reply with a cursor, none twice, then takes a new comment",
      { timeout: 240_000 },
      async () => {
        const seen: string[] = [];
        let replies = 0;
        let after: CommentCursor | null = null;
        let pages = 0;
        do {
          const page: Awaited<ReturnType<typeof pageComments>> = await pageComments(
            SLUG,
            { after, limit: 100, viewer: reader },
            database.db,
          );
          expect(page.threads.length).toBeLessThanOrEqual(100);
          for (const thread of page.threads) {
            seen.push(thread.authorName);
            replies += thread.replies.length;
          }
          after = page.next;
          pages++;
        } while (after);
        expect(pages).toBe(THREADS / 100);
        expect(seen).toEqual(Array.from({ length: THREADS }, (_, i) => `Reader ${i}`));
        expect(replies).toBe(REPLIES);

        const posted = await createComment(
          { slug: SLUG, name: "Latecomer", body: "Still room?", status: "published" },
          database.db,
        );
        expect(posted.kind).toBe("created");
        const last = await pageComments(
          SLUG,
          { after: { createdAt: new Date(start + (THREADS - 1) * 1000), id: "thread-09999" }, limit: 100 },
          database.db,
        );
        expect(last.threads.map((t) => t.authorName)).toEqual(["Latecomer"]);
        expect(last.next).toBeNull();
      },
    );
  });
});
