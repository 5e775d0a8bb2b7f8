import { afterEach, describe, expect, it } from "vitest";
import { createComment, listComments, type Viewer } from "@/lib/comments/store";
import { submitEdit } from "@/lib/comments/service";
import { record } from "@/lib/server/rate-limit";
import { providers, withDatabase } from "../support/databases";

const viewerOf = (id: string): Viewer => ({ ownIds: new Set([id]) });
const SPAM = "Cheap pills at [this shop](https://spam.example)";

describe.each(providers)("editing one's comment on %s", (_name, open, skipReason) => {
  const database = withDatabase(open, skipReason);
  let article = 0;
  const nextSlug = () => `posting-${++article}`;
  // Each test its own address, so the rate limits it fills meet no other test.
  const nextIp = () => `10.2.0.${article}`;
  async function post(slug: string, status: "published" | "pending" = "published"): Promise<string> {
    const result = await createComment({ slug, name: "Ada", body: "A fair point", status }, database.db);
    if (result.kind !== "created") throw new Error(result.kind);
    return result.id;
  }
  const seenByOthers = async (slug: string) => (await listComments(slug, {}, database.db)).threads.map((c) => c.html);

  afterEach(() => {
    delete process.env.COMMENTS_MODERATION;
  });

  describe.skipIf(skipReason)("moderation and limits", () => {
    it("under pre-moderation, an approved comment edited into spam waits for approval again", async () => {
      process.env.COMMENTS_MODERATION = "pre";
      const slug = nextSlug();
      const id = await post(slug);
      expect(await seenByOthers(slug)).toEqual(["<p>A fair point</p>"]);

      expect(await submitEdit({ id, body: SPAM }, { ip: nextIp(), viewer: viewerOf(id) }, database.db)).toEqual({
        kind: "saved",
        body: SPAM,
        pending: true,
      });
      expect(await seenByOthers(slug)).toEqual([]);
      const [own] = (await listComments(slug, { viewer: viewerOf(id) }, database.db)).threads;
      expect(own).toMatchObject({ pending: true, markdown: SPAM });
    });

    it("under post-moderation, an edit shows at once", async () => {
      const slug = nextSlug();
      const id = await post(slug);
      expect(
        await submitEdit({ id, body: "A fairer point" }, { ip: nextIp(), viewer: viewerOf(id) }, database.db),
      ).toMatchObject({ kind: "saved", pending: false });
      expect(await seenByOthers(slug)).toEqual(["<p>A fairer point</p>"]);
    });

    it("counts edits against the address's comment limit, shared with new comments", async () => {
      const slug = nextSlug();
      const ip = nextIp();
      const id = await post(slug);
      // Two comments posted from the address (as lib/comments/service/ counts them), then three edits: five a minute.
      const windows = [
        { limit: 5, seconds: 60 },
        { limit: 30, seconds: 3600 },
      ];
      for (let i = 0; i < 2; i++) await record(`comment:${ip}`, windows, database.db);
      for (let i = 1; i <= 3; i++)
        expect((await submitEdit({ id, body: `Edit ${i}` }, { ip, viewer: viewerOf(id) }, database.db)).kind).toBe(
          "saved",
        );
      const refused = await submitEdit({ id, body: SPAM }, { ip, viewer: viewerOf(id) }, database.db);
      expect(refused).toMatchObject({ kind: "rate-limited" });
      expect((refused as { retryAfterSeconds: number }).retryAfterSeconds).toBeGreaterThan(0);
      expect(await seenByOthers(slug)).toEqual(["<p>Edit 3</p>"]);
    });

    it("refuses an invalid body and someone else's comment, before counting anything", async () => {
      const slug = nextSlug();
      const id = await post(slug);
      const ip = nextIp();
      expect(await submitEdit({ id, body: "   " }, { ip, viewer: viewerOf(id) }, database.db)).toEqual({
        kind: "invalid",
        errors: ["Please write a comment."],
      });
      expect(await submitEdit({ id, body: SPAM }, { ip, viewer: viewerOf("someone-else") }, database.db)).toEqual({
        kind: "not-yours",
      });
      expect(await seenByOthers(slug)).toEqual(["<p>A fair point</p>"]);
    });
  });
});
