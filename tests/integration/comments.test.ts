import { describe, expect, it } from "vitest";
import {
  countComments,
  countCommentsByArticle,
  createComment,
  deleteOwnComment,
  editOwnComment,
  listComments,
  moderateComment,
  toggleReaction,
  type CommentView,
  type NewComment,
  type Viewer,
} from "@/lib/comments/store";
import { exportComments, importComments } from "@/lib/comments/backup";
import { listForModeration } from "@/lib/comments/moderation";
import { createDb } from "@/lib/server/db";
import { consume, reset } from "@/lib/server/rate-limit";
import { providers, withDatabase } from "../support/databases";

const minutes = (n: number) => n * 60_000;
const viewerOf = (...ids: string[]): Viewer => ({ ownIds: new Set(ids) });

/** Names in a listed page, nested as the reader sees them. */
function shape(threads: CommentView[]): unknown[] {
  return threads.map((c) => {
    const label = c.placeholder
      ? `[${c.placeholder}]`
      : c.replyToName
        ? `${c.authorName}→${c.replyToName}`
        : c.authorName;
    return c.replies.length ? [label, shape(c.replies)] : label;
  });
}

describe.each(providers)("comment store on %s", (_name, open, skipReason) => {
  const database = withDatabase(open, skipReason);
  let article = 0;
  // Each test gets its own article, so tests do not see each other's comments.
  const nextSlug = () => `article-${++article}`;
  async function post(slug: string, name: string, fields: Partial<NewComment> = {}, now?: Date): Promise<string> {
    const result = await createComment(
      { slug, name, body: `${name} says hi`, status: "published", ...fields },
      database.db,
      now,
    );
    if (result.kind !== "created") throw new Error(`not created: ${result.kind}`);
    return result.id;
  }

  describe.skipIf(skipReason)("threads", () => {
    it("starts empty", async () => {
      expect(await listComments(nextSlug(), {}, database.db)).toEqual({ count: 0, threads: [], hasMore: false });
    });

    it("nests replies three levels deep; deeper replies stay at level 3 naming whom they answer", async () => {
      const slug = nextSlug();
      const ada = await post(slug, "Ada");
      const grace = await post(slug, "Grace", { parentId: ada });
      const linus = await post(slug, "Linus", { parentId: grace });
      await post(slug, "Barbara", { parentId: linus });
      await post(slug, "Ken");

      const page = await listComments(slug, {}, database.db);
      expect(page.count).toBe(5);
      expect(shape(page.threads)).toEqual([["Ada", [["Grace", ["Linus", "Barbara→Linus"]]]], "Ken"]);
      const barbara = page.threads[0].replies[0].replies[1];
      expect(barbara.depth).toBe(3);
    });

    it("refuses a reply to a comment of another article or one that does not exist", async () => {
      const slug = nextSlug();
      const elsewhere = await post(nextSlug(), "Ada");
      expect(
        await createComment({ slug, parentId: elsewhere, name: "Eve", body: "x", status: "published" }, database.db),
      ).toEqual({
        kind: "parent-not-found",
      });
      expect(
        await createComment({ slug, parentId: "nope", name: "Eve", body: "x", status: "published" }, database.db),
      ).toEqual({
        kind: "parent-not-found",
      });
    });

    it("sorts threads oldest, newest and best (by 👍), and pages them", async () => {
      const slug = nextSlug();
      const start = Date.now();
      const ids = [];
      for (let i = 0; i < 5; i++) ids.push(await post(slug, `C${i}`, {}, new Date(start + i * 1000)));
      await toggleReaction(ids[3], "voter-1", database.db);
      await toggleReaction(ids[3], "voter-2", database.db);
      await toggleReaction(ids[1], "voter-1", database.db);

      const names = async (sort: "oldest" | "newest" | "best", threads = 50) =>
        (await listComments(slug, { sort, threads }, database.db)).threads.map((c) => c.authorName);
      expect(await names("oldest")).toEqual(["C0", "C1", "C2", "C3", "C4"]);
      expect(await names("newest")).toEqual(["C4", "C3", "C2", "C1", "C0"]);
      expect(await names("best")).toEqual(["C3", "C1", "C0", "C2", "C4"]);

      const firstTwo = await listComments(slug, { threads: 2 }, database.db);
      expect(firstTwo.threads.map((c) => c.authorName)).toEqual(["C0", "C1"]);
      expect(firstTwo).toMatchObject({ hasMore: true, count: 5 });
      expect((await listComments(slug, { threads: 5 }, database.db)).hasMore).toBe(false);
    });

    it("keeps text exactly as written and renders it as safe HTML", async () => {
      const slug = nextSlug();
      const body = "**bold** <img src=x onerror=alert(1)> [x](javascript:alert(1)) ünïcødé 😀";
      await post(slug, "Eve <b>", { body });
      const [comment] = (await listComments(slug, {}, database.db)).threads;
      expect(comment.authorName).toBe("Eve <b>");
      expect(comment.html).toContain("<strong>bold</strong>");
      expect(comment.html).not.toMatch(/<img|href="javascript:/i);
      expect(comment.html).toContain("&#x3C;img src=x onerror=alert(1)>"); // shown as typed, inert
      expect((await exportComments(database.db)).comments.find((c) => c.articleSlug === slug)?.body).toBe(body);
    });

    it("is still there through a new connection, as after a server restart", async () => {
      const slug = nextSlug();
      await post(slug, "Ada", { body: "Survives" });
      const reopened = createDb(database.url);
      try {
        expect((await listComments(slug, {}, reopened)).threads.map((c) => c.html)).toEqual(["<p>Survives</p>"]);
      } finally {
        await reopened.$disconnect();
      }
    });
  });

  describe.skipIf(skipReason)("duplicates", () => {
    it("stores one comment for a double submit of one form", async () => {
      const slug = nextSlug();
      const submission = {
        slug,
        name: "Ada",
        body: "Once",
        status: "published" as const,
        submissionId: `form-${slug}`,
      };
      const [a, b] = await Promise.all([
        createComment(submission, database.db),
        createComment(submission, database.db),
      ]);
      expect(new Set([a.kind, b.kind])).toEqual(new Set(["created", "duplicate"]));
      expect(await countComments(slug, database.db)).toBe(1);
    });

    it("hands the first comment back only to the browser that sent the form", async () => {
      const slug = nextSlug();
      const form = { submissionId: `form-${slug}`, browserId: "ada" };
      const id = await post(slug, "Ada", form);
      // A double submit from the same browser is the same comment (later than the same-text check looks).
      const again = { slug, name: "Ada", body: "Ada says hi", status: "published" as const, ...form };
      expect(await createComment(again, database.db, new Date(Date.now() + minutes(2)))).toEqual({
        kind: "duplicate",
        id,
      });
      // The same token from another browser, or from the API (no browser), gets nothing.
      for (const browserId of ["mallory", null]) {
        const reused = {
          slug,
          name: "Mallory",
          body: "Mine now",
          status: "published" as const,
          submissionId: form.submissionId,
          browserId,
        };
        expect(await createComment(reused, database.db)).toEqual({ kind: "already-sent" });
      }
      expect(await countComments(slug, database.db)).toBe(1);

      // A token the API used answers the API's retry, and no browser.
      const api = {
        slug,
        name: "Script",
        body: "Via the API",
        status: "published" as const,
        submissionId: `api-${slug}`,
      };
      const byApi = await post(slug, "Script", api);
      expect(await createComment(api, database.db)).toEqual({ kind: "duplicate", id: byApi });
      expect(await createComment({ ...api, browserId: "mallory" }, database.db)).toEqual({ kind: "already-sent" });
    });

    it("stores one comment for the same text from the same browser within a minute", async () => {
      const slug = nextSlug();
      const now = new Date();
      const first = await createComment(
        { slug, name: "Ada", body: "Same", status: "published", browserId: "b1" },
        database.db,
        now,
      );
      const again = await createComment(
        { slug, name: "Ada", body: "Same", status: "published", browserId: "b1" },
        database.db,
        new Date(now.getTime() + 30_000),
      );
      expect(again).toEqual({ kind: "duplicate", id: (first as { id: string }).id });
      const otherBrowser = await createComment(
        { slug, name: "Ada", body: "Same", status: "published", browserId: "b2" },
        database.db,
        now,
      );
      const later = await createComment(
        { slug, name: "Ada", body: "Same", status: "published", browserId: "b1" },
        database.db,
        new Date(now.getTime() + 61_000),
      );
      expect([otherBrowser.kind, later.kind]).toEqual(["created", "created"]);
    });
  });

  describe.skipIf(skipReason)("own edits and deletions", () => {
    it("edits within the window, marks the comment edited, refuses after it and for others", async () => {
      const slug = nextSlug();
      const posted = new Date(Date.now() - minutes(5));
      const id = await post(slug, "Ada", { body: "Frist" }, posted);

      expect(await editOwnComment(id, { body: "First" }, viewerOf(), 15, database.db)).toEqual({
        kind: "not-yours",
      });
      expect(await editOwnComment(id, { body: "First" }, viewerOf(id), 15, database.db)).toEqual({ kind: "ok" });
      const [edited] = (await listComments(slug, { viewer: viewerOf(id) }, database.db)).threads;
      expect(edited).toMatchObject({ html: "<p>First</p>", markdown: "First", own: true });
      expect(edited.editedAt).toBeInstanceOf(Date);
      // Others see the edit but not the markdown source.
      expect((await listComments(slug, {}, database.db)).threads[0]).toMatchObject({ markdown: null, own: false });

      const late = new Date(posted.getTime() + minutes(15) + 1000);
      expect(await editOwnComment(id, { body: "Spam link" }, viewerOf(id), 15, database.db, late)).toEqual({
        kind: "too-late",
      });
      expect(await deleteOwnComment(id, viewerOf(id), 15, database.db, late)).toEqual({ kind: "too-late" });
    });

    it("sends an edit under pre-moderation back to the queue: others see nothing until it is approved", async () => {
      const slug = nextSlug();
      const id = await post(slug, "Ada", { body: "A fair point" });
      await post(slug, "Grace", { parentId: id });
      expect(
        await editOwnComment(
          id,
          { body: "Buy [pills](https://spam.example)", status: "pending" },
          viewerOf(id),
          15,
          database.db,
        ),
      ).toEqual({ kind: "ok" });

      // Others see the thread's replies under a placeholder, neither the old text nor the new.
      const others = await listComments(slug, {}, database.db);
      expect(shape(others.threads)).toEqual([["[pending]", ["Grace"]]]);
      expect(others.threads[0]).toMatchObject({ html: "", authorName: "" });
      expect(others.count).toBe(1);
      const own = await listComments(slug, { viewer: viewerOf(id) }, database.db);
      expect(own.threads[0]).toMatchObject({ pending: true, markdown: "Buy [pills](https://spam.example)" });
      expect(
        (await listForModeration({ status: "pending" }, { number: 1, size: 100 }, database.db)).rows.map((c) => c.id),
      ).toContain(id);

      await moderateComment(id, "approve", database.db);
      expect((await listComments(slug, {}, database.db)).threads[0].html).toContain("https://spam.example");
    });

    it("deletes a comment without replies outright and keeps one with replies as [deleted]", async () => {
      const slug = nextSlug();
      const lonely = await post(slug, "Lonely");
      const parent = await post(slug, "Parent");
      await post(slug, "Child", { parentId: parent });

      expect(await deleteOwnComment(lonely, viewerOf(lonely), 15, database.db)).toEqual({ kind: "ok" });
      expect(await deleteOwnComment(parent, viewerOf(parent), 15, database.db)).toEqual({ kind: "ok" });
      const page = await listComments(slug, {}, database.db);
      expect(shape(page.threads)).toEqual([["[deleted]", ["Child"]]]);
      expect(page.count).toBe(1);
      expect(page.threads[0]).toMatchObject({ authorName: "", html: "" });
      expect(await deleteOwnComment(parent, viewerOf(parent), 15, database.db)).toEqual({ kind: "not-found" });
    });
  });

  describe.skipIf(skipReason)("moderation", () => {
    it("holds pending comments back from everyone but their author until approved", async () => {
      const slug = nextSlug();
      const id = await post(slug, "Ada", { status: "pending" });
      expect(await listComments(slug, {}, database.db)).toMatchObject({ count: 0, threads: [] });
      const own = await listComments(slug, { viewer: viewerOf(id) }, database.db);
      expect(own.threads[0]).toMatchObject({ authorName: "Ada", pending: true });
      expect(own.count).toBe(0);
      expect(
        (await listForModeration({ status: "pending" }, { number: 1, size: 100 }, database.db)).rows.map((c) => c.id),
      ).toContain(id);

      expect(await moderateComment(id, "approve", database.db)).toBe(true);
      expect(await listComments(slug, {}, database.db)).toMatchObject({
        count: 1,
        threads: [{ authorName: "Ada", pending: false }],
      });
    });

    it("hides and unhides; a hidden comment with replies keeps its place", async () => {
      const slug = nextSlug();
      const troll = await post(slug, "Troll");
      await post(slug, "Reply", { parentId: troll });
      const other = await post(slug, "Other");

      await moderateComment(troll, "hide", database.db);
      await moderateComment(other, "hide", database.db);
      expect(shape((await listComments(slug, {}, database.db)).threads)).toEqual([["[removed]", ["Reply"]]]);
      expect(await countComments(slug, database.db)).toBe(1);

      await moderateComment(other, "unhide", database.db);
      expect(shape((await listComments(slug, {}, database.db)).threads)).toEqual([["[removed]", ["Reply"]], "Other"]);
      expect(await moderateComment(other, "delete", database.db)).toBe(true);
      expect(await moderateComment("missing", "hide", database.db)).toBe(false);
    });

    it("counts published comments per article for the index", async () => {
      const slug = nextSlug();
      await post(slug, "A");
      await post(slug, "B");
      await post(slug, "C", { status: "pending" });
      expect((await countCommentsByArticle(database.db)).get(slug)).toBe(2);
    });
  });

  describe.skipIf(skipReason)("reactions", () => {
    it("counts one 👍 per browser and toggles it", async () => {
      const slug = nextSlug();
      const id = await post(slug, "Ada");
      expect(await toggleReaction(id, "browser-a", database.db)).toEqual({ kind: "added", count: 1 });
      expect(await toggleReaction(id, "browser-b", database.db)).toEqual({ kind: "added", count: 2 });
      expect(await toggleReaction(id, "browser-a", database.db)).toEqual({ kind: "removed", count: 1 });
      const [comment] = (await listComments(slug, { viewer: { ownIds: new Set(), voterId: "browser-b" } }, database.db))
        .threads;
      expect(comment).toMatchObject({ reactions: 1, reacted: true });
      expect(await toggleReaction("missing", "browser-a", database.db)).toEqual({ kind: "not-found" });
      // Past the caller's limits a 👍 can still be taken back, and none is added.
      expect(await toggleReaction(id, "browser-c", database.db, false)).toEqual({ kind: "refused", count: 1 });
      expect(await toggleReaction(id, "browser-b", database.db, false)).toEqual({ kind: "removed", count: 0 });
    });
  });

  describe.skipIf(skipReason)("rate limits", () => {
    it("allows 5 a minute and 30 an hour, then says when to retry", async () => {
      const key = `test:${Math.random()}`;
      const windows = [
        { limit: 5, seconds: 60 },
        { limit: 30, seconds: 3600 },
      ];
      const start = new Date("2026-01-01T10:00:00Z");
      for (let i = 0; i < 5; i++)
        expect(await consume(key, windows, database.db, new Date(start.getTime() + i * 1000))).toEqual({ ok: true });
      expect(await consume(key, windows, database.db, new Date(start.getTime() + 10_000))).toEqual({
        ok: false,
        retryAfterSeconds: 50,
      });
      // A minute after the first hit, one more fits.
      expect(await consume(key, windows, database.db, new Date(start.getTime() + 60_001))).toEqual({ ok: true });

      // Fill the hour: 30 hits spread over it, then the hourly window refuses.
      for (let minute = 2; minute <= 50; minute += 2)
        await consume(key, windows, database.db, new Date(start.getTime() + minutes(minute)));
      const refused = await consume(key, windows, database.db, new Date(start.getTime() + minutes(55)));
      expect(refused.ok).toBe(false);
      expect((refused as { retryAfterSeconds: number }).retryAfterSeconds).toBeGreaterThan(60);
      await reset(key, database.db);
      expect(await consume(key, windows, database.db, new Date(start.getTime() + minutes(55)))).toEqual({ ok: true });
    });
  });

  describe.skipIf(skipReason)("export and import", () => {
    it("round-trips ids, threads, times, states and reactions into an empty database", async () => {
      const slug = nextSlug();
      const root = await post(slug, "Root", { body: "Root *text*" });
      const reply = await post(slug, "Reply", { parentId: root });
      await post(slug, "Deep", { parentId: reply });
      const gone = await post(slug, "Gone");
      await post(slug, "Kept", { parentId: gone });
      await deleteOwnComment(gone, viewerOf(gone), 15, database.db);
      await post(slug, "Held", { status: "pending" });
      const hidden = await post(slug, "Hidden");
      await moderateComment(hidden, "hide", database.db);
      await editOwnComment(root, { body: "Root *edited*" }, viewerOf(root), 15, database.db);
      await toggleReaction(root, "voter-x", database.db);

      const exported = await exportComments(database.db);
      const target = await open();
      try {
        expect(await importComments(JSON.parse(JSON.stringify(exported)), target.db)).toEqual({
          kind: "imported",
          comments: exported.comments.length,
          reactions: exported.reactions.length,
          added: exported.comments.length,
          alreadyThere: 0,
        });
        const again = await exportComments(target.db);
        expect(again.comments).toEqual(exported.comments);
        expect(again.reactions).toEqual(exported.reactions);
        expect(await listComments(slug, {}, target.db)).toEqual(await listComments(slug, {}, database.db));
        // Importing the same file twice changes nothing.
        await importComments(exported, target.db);
        expect((await exportComments(target.db)).comments).toEqual(exported.comments);
      } finally {
        await target.drop();
      }
    });
  });
});

describe("an unreachable database", () => {
  it("fails the read with an error the page can catch", async () => {
    const db = createDb("postgres://postgres@127.0.0.1:1/nowhere");
    await expect(listComments("any", {}, db)).rejects.toThrow();
    await db.$disconnect();
  });
});
