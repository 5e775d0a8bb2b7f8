import { describe, expect, it } from "vitest";
import { createComment, listComments } from "@/lib/comments/store";
import { submitReaction } from "@/lib/comments/service";
import { providers, withDatabase } from "../support/databases";

describe.each(providers)("👍 limits on %s", (_name, open, skipReason) => {
  const database = withDatabase(open, skipReason);
  let article = 0;
  const nextSlug = () => `reactions-${++article}`;
  async function post(slug: string): Promise<string> {
    const result = await createComment(
      { slug, name: "Ada", body: `A comment ${Math.random()}`, status: "published" },
      database.db,
    );
    if (result.kind !== "created") throw new Error(result.kind);
    return result.id;
  }
  const count = async (slug: string) => (await listComments(slug, {}, database.db)).threads.map((c) => c.reactions);

  describe.skipIf(skipReason)("per address", () => {
    it("adds 3 👍 a day to one comment from one address, however many browsers it claims to be", async () => {
      const slug = nextSlug();
      const id = await post(slug);
      const kinds = [];
      for (let i = 0; i < 20; i++)
        kinds.push((await submitReaction(id, { ip: "10.1.0.1", voterId: `cookie-less-${i}` }, database.db)).kind);
      expect(kinds.filter((k) => k === "added")).toHaveLength(3);
      expect(kinds.slice(3).every((k) => k === "refused")).toBe(true);
      expect(await count(slug)).toEqual([3]);

      // The same browser can still take its 👍 back; another address can still add one.
      expect(await submitReaction(id, { ip: "10.1.0.1", voterId: "cookie-less-0" }, database.db)).toEqual({
        kind: "removed",
        count: 2,
      });
      expect(await submitReaction(id, { ip: "10.1.0.2", voterId: "elsewhere" }, database.db)).toEqual({
        kind: "added",
        count: 3,
      });
      // A day later the address may add again.
      const tomorrow = new Date(Date.now() + 24 * 60 * 60 * 1000 + 1000);
      expect(await submitReaction(id, { ip: "10.1.0.1", voterId: "next-day" }, database.db, tomorrow)).toEqual({
        kind: "added",
        count: 4,
      });
    });

    it("takes 30 👍 a minute from one address across comments, then refuses until the minute is over", async () => {
      const slug = nextSlug();
      const ids = [];
      for (let i = 0; i < 35; i++) ids.push(await post(slug));
      const start = new Date();
      const kinds = [];
      for (const [i, id] of ids.entries())
        kinds.push(
          (await submitReaction(id, { ip: "10.1.1.1", voterId: `v${i}` }, database.db, new Date(start.getTime() + i)))
            .kind,
        );
      expect(kinds.filter((k) => k === "added")).toHaveLength(30);
      expect(kinds.slice(30)).toEqual(Array(5).fill("rate-limited"));
      expect((await count(slug)).reduce((a, b) => a + b)).toBe(30);
      const later = new Date(start.getTime() + 61_000);
      expect((await submitReaction(ids[34], { ip: "10.1.1.1", voterId: "v34" }, database.db, later)).kind).toBe(
        "added",
      );
    });
  });
});
