import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import {
  addBlock,
  banAuthor,
  banAuthors,
  MAX_BULK,
  moderateMany,
  removeBlock,
  submitComment,
  submitEdit,
  type SubmitResult,
} from "@/lib/comments/service";
import { countComments, createComment, earlierComments, listComments, type Viewer } from "@/lib/comments/store";
import { commentedArticles, listBlocks, listForModeration, moderationCounts } from "@/lib/comments/moderation";
import { textFingerprint } from "@/lib/comments/spam";
import { flagsIn } from "@/lib/comments/flags";
import { t } from "@/lib/i18n";
import { issueFormToken } from "@/lib/server/form-token";
import { providers, withDatabase } from "../support/databases";

// Bans, blocklists, the spam score and bulk moderation through the comment service, and the
// moderation list of /admin, on both databases.

const SLUG = "monolith-vs-microservices"; // the one article of content/: the service checks it exists
const aged = () => issueFormToken(Date.now() - 10_000);
const NOBODY: Viewer = { ownIds: new Set() };
const ADMIN: Viewer = { ownIds: new Set(), admin: true };

describe.each(providers)("bans, blocklists and the spam score on %s", (_name, open, skipReason) => {
  const database = withDatabase(open, skipReason);
  let address = 0;
  const nextIp = () => `10.20.${Math.floor(++address / 250)}.${address % 250}`;

  function send(
    body: string,
    from: { ip?: string; browserId?: string | null; name?: string; parentId?: string; isAuthor?: boolean } = {},
  ): Promise<SubmitResult> {
    return submitComment(
      { slug: SLUG, name: from.name ?? "Ada", body, parentId: from.parentId, token: aged() },
      { ip: from.ip ?? nextIp(), browserId: from.browserId ?? null, isAuthor: from.isAuthor },
      database.db,
    );
  }
  async function post(body: string, from: Parameters<typeof send>[1] = {}) {
    const result = await send(body, from);
    if (result.kind !== "posted") throw new Error(`not posted: ${JSON.stringify(result)}`);
    return result;
  }
  const row = (id: string) => database.db.comment.findUniqueOrThrow({ where: { id } });
  /** A comment's flags as /admin words them (they are stored as codes). */
  const flagsOf = async (id: string) => flagsIn(t, (await row(id)).flags);
  const seenBy = async (viewer: Viewer) =>
    (await listComments(SLUG, { threads: 1_000, viewer }, database.db)).threads.flatMap(function flat(c): (typeof c)[] {
      return [c, ...c.replies.flatMap(flat)];
    });
  const block = async (kind: string, value: string, action: string, days?: number) => {
    const result = await addBlock({ kind, value, action, days }, database.db);
    if (result.kind !== "saved") throw new Error(JSON.stringify(result.errors));
    return result.rule;
  };

  beforeEach(async () => {
    await database.db.block.deleteMany();
  });
  afterEach(() => vi.unstubAllEnvs());

  describe.skipIf(skipReason)("bans", () => {
    it("a banned address (or range) posts into the shadow: its author sees the comment as published, nobody else sees it", async () => {
      await block("address", "198.51.100.0/24", "shadow");
      const posted = await post("I am banned and do not know it", { ip: "198.51.100.9", browserId: "browser-shadow" });
      // Told exactly what anyone else is told.
      expect(posted).toMatchObject({ kind: "posted", pending: false });
      const stored = await row(posted.id);
      expect(stored).toMatchObject({ status: "shadow", authorIp: "198.51.100.9" });
      expect(await flagsOf(posted.id)).toEqual(["Banned address 198.51.100.0/24"]);

      const own = { ownIds: new Set([posted.id]), voterId: "browser-shadow" };
      const mine = (await seenBy(own)).find((c) => c.id === posted.id);
      expect(mine).toMatchObject({ pending: false, shadow: false, hidden: false, placeholder: null });
      expect(mine?.html).toContain("I am banned");
      // The count they see includes it, as it would if it were published.
      expect(await countComments(SLUG, database.db, own)).toBe((await countComments(SLUG, database.db)) + 1);

      expect((await seenBy(NOBODY)).map((c) => c.id)).not.toContain(posted.id);
      expect((await seenBy(ADMIN)).find((c) => c.id === posted.id)).toMatchObject({ shadow: true });

      // They may answer their own comment (they see it published), and that answer is shadowed too.
      const reply = await post("And I reply to myself", { ip: "198.51.100.9", parentId: posted.id });
      expect((await row(reply.id)).status).toBe("shadow");
      // Someone else may not: to them it does not exist.
      expect((await send("Replying to nothing", { parentId: posted.id })).kind).toBe("no-parent");
    });

    it("bans a browser, and a name with its look-alikes", async () => {
      await block("browser", "browser-banned-1", "shadow");
      await block("name", "Troll", "shadow");
      expect((await row((await post("From a banned browser", { browserId: "browser-banned-1" })).id)).status).toBe(
        "shadow",
      );
      for (const name of ["Troll", "tr0ll", "Тroll"])
        expect((await row((await post(`Named ${name}`, { name })).id)).status, name).toBe("shadow");
      expect((await row((await post("Another reader", { name: "Trolley" })).id)).status).toBe("published");
    });

    it("a ban set to refuse tells the reader and stores nothing; to queue, holds the comment", async () => {
      await block("address", "192.0.2.1", "refuse");
      const before = await database.db.comment.count();
      expect(await send("Let me in", { ip: "192.0.2.1" })).toEqual({
        kind: "refused",
        message: "This site does not accept comments from you.",
      });
      expect(await database.db.comment.count()).toBe(before);
      // Refusals count against the address's rate limit, so the rules cannot be probed at will.
      expect(await database.db.rateLimitHit.count({ where: { key: "comment:192.0.2.1" } })).toBe(1);

      await block("address", "192.0.2.2", "queue");
      const held = await post("Watched", { ip: "192.0.2.2" });
      expect(held.pending).toBe(true);
      expect((await row(held.id)).status).toBe("pending");
    });

    it("an ended ban holds no more, and a lifted one neither", async () => {
      const rule = await block("name", "Shortban", "shadow", 1);
      await database.db.block.update({ where: { id: rule.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
      expect((await row((await post("Free again", { name: "Shortban" })).id)).status).toBe("published");

      const lifted = await block("name", "Lifted", "shadow");
      expect((await row((await post("Before", { name: "Lifted" })).id)).status).toBe("shadow");
      expect(await removeBlock(lifted.id, database.db)).toBe(true);
      expect(await removeBlock(lifted.id, database.db)).toBe(false);
      expect((await row((await post("After", { name: "Lifted" })).id)).status).toBe("published");
    });

    it("the site's author meets no ban, blocklist or score", async () => {
      await block("word", "casino", "refuse");
      const posted = await post("Our casino article, https://x.example", { isAuthor: true, name: "Someone" });
      expect((await row(posted.id)).status).toBe("published");
    });

    it("a banned reader's edit goes into the shadow: a ban also stops them rewriting what they posted before", async () => {
      const posted = await post("Innocent at first", { browserId: "browser-later-banned" });
      await block("browser", "browser-later-banned", "shadow");
      const viewer = { ownIds: new Set([posted.id]), voterId: "browser-later-banned" };
      expect(await submitEdit({ id: posted.id, body: "Now rude" }, { ip: nextIp(), viewer }, database.db)).toEqual({
        kind: "saved",
        body: "Now rude",
        pending: false,
      });
      expect(await row(posted.id)).toMatchObject({ status: "shadow", body: "Now rude" });
      expect((await seenBy(NOBODY)).map((c) => c.id)).not.toContain(posted.id);
    });
  });

  describe.skipIf(skipReason)("Ban author", () => {
    it("bans by browser and address and moves their comments into the shadow; other readers' stay", async () => {
      const troll = { ip: nextIp(), browserId: "browser-troll" };
      const first = await post("Troll comment one", troll);
      const second = await post("Troll comment two", { ...troll, ip: nextIp() }); // same browser, other address
      const third = await post("Troll comment three", { ...troll, browserId: "browser-troll-2" }); // same address
      const bystander = await post("An innocent bystander");

      expect(await banAuthor(first.id, { by: ["browser", "address"], shadowExisting: true }, database.db)).toEqual({
        kind: "banned",
        bans: 2,
        moved: 3,
      });
      for (const id of [first.id, second.id, third.id]) expect((await row(id)).status).toBe("shadow");
      expect((await row(bystander.id)).status).toBe("published");
      const bans = await listBlocks(database.db);
      expect(bans.map((b) => [b.kind, b.value, b.action, b.note])).toEqual(
        expect.arrayContaining([
          ["browser", "browser-troll", "shadow", `Ada on ${SLUG}`],
          ["address", troll.ip, "shadow", `Ada on ${SLUG}`],
        ]),
      );
      // Their next comment, from either, goes to the shadow too.
      expect((await row((await post("Troll again", { ip: troll.ip })).id)).status).toBe("shadow");
      expect((await row((await post("Troll again", { browserId: "browser-troll" })).id)).status).toBe("shadow");
    });

    it("without moving, their comments stay; by name alone; never the site's author; nothing to ban an import by", async () => {
      const posted = await post("Stays up", { name: "Rude Name", browserId: "browser-rude" });
      expect(await banAuthor(posted.id, { by: ["name"], days: 7 }, database.db)).toEqual({
        kind: "banned",
        bans: 1,
        moved: 0,
      });
      expect((await row(posted.id)).status).toBe("published");
      const [ban] = await listBlocks(database.db);
      expect(ban).toMatchObject({ kind: "name", value: "Rude Name" });
      expect(ban.expiresAt!.getTime() - Date.now()).toBeGreaterThan(6.9 * 86_400_000);
      expect((await row((await post("Again", { name: "Rude Name" })).id)).status).toBe("shadow");

      const mine = await post("By the author", { isAuthor: true, name: "Someone" });
      await database.db.comment.update({ where: { id: mine.id }, data: { byAuthor: true } });
      expect(await banAuthor(mine.id, { by: ["browser", "address", "name"] }, database.db)).toEqual({ kind: "author" });

      const imported = await createComment(
        { slug: SLUG, name: "Old Disqus user", body: "Imported", status: "published" },
        database.db,
      );
      if (imported.kind !== "created") throw new Error(imported.kind);
      expect(await banAuthor(imported.id, { by: ["browser", "address"] }, database.db)).toEqual({ kind: "nothing" });
      expect(await banAuthor("no-such-comment", { by: ["name"] }, database.db)).toEqual({ kind: "not-found" });
    });

    it("bans the authors of several comments at once", async () => {
      const a = await post("Spam A", { browserId: "browser-a1" });
      const b = await post("Spam B", { browserId: "browser-b1" });
      expect(await banAuthors([a.id, b.id, a.id, "missing"], database.db)).toBe(2);
      expect((await row(a.id)).status).toBe("shadow");
      expect((await row(b.id)).status).toBe("shadow");
    });
  });

  describe.skipIf(skipReason)("blocklists", () => {
    it("a refused word sends the comment back with the reason on its field, nothing stored", async () => {
      await block("word", "casino*", "refuse");
      const before = await database.db.comment.count();
      expect(await send("The best CASINOS are here")).toEqual({
        kind: "invalid",
        errors: { body: ["“casino” is not accepted in comments here. Please rephrase."] },
      });
      expect(await send("Hello", { name: "Casino Carl" })).toMatchObject({
        kind: "invalid",
        errors: { name: [expect.any(String)] },
      });
      expect(await database.db.comment.count()).toBe(before);
    });

    it("a queued word or domain holds the comment whatever the mode, with its reason in the flags", async () => {
      await block("word", "crypto", "queue");
      await block("domain", "https://www.spam.example/", "queue");
      const word = await post("Crypto is the future");
      expect(word.pending).toBe(true);
      expect((await row(word.id)).status).toBe("pending");
      expect(await flagsOf(word.id)).toEqual(["Blocked word “crypto”"]);
      const link = await post("Read [this article](https://shop.spam.example/a) about it.");
      expect((await row(link.id)).status).toBe("pending");
      expect(await flagsOf(link.id)).toEqual(["Blocked domain spam.example"]);
      expect((await seenBy(NOBODY)).map((c) => c.id)).not.toContain(link.id);
    });

    it("a refused domain names itself", async () => {
      await block("domain", "spam.example", "refuse");
      expect(await send("Go https://spam.example now")).toEqual({
        kind: "invalid",
        errors: { body: ["Links to spam.example are not accepted here. Please remove them."] },
      });
    });

    it("an edit meets the blocklists too", async () => {
      const posted = await post("A clean comment");
      const viewer = { ownIds: new Set([posted.id]) };
      await block("word", "forbidden", "refuse");
      await block("domain", "watch.example", "queue");
      expect(await submitEdit({ id: posted.id, body: "Now forbidden" }, { ip: nextIp(), viewer }, database.db)).toEqual(
        {
          kind: "invalid",
          errors: ["“forbidden” is not accepted in comments here. Please rephrase."],
        },
      );
      expect((await row(posted.id)).body).toBe("A clean comment");
      expect(
        await submitEdit({ id: posted.id, body: "See https://watch.example" }, { ip: nextIp(), viewer }, database.db),
      ).toMatchObject({ kind: "saved", pending: true });
      expect((await row(posted.id)).status).toBe("pending");
      expect(await flagsOf(posted.id)).toEqual(["Blocked domain watch.example"]);
    });

    it("refuses entries it cannot use, and changes an entry entered again", async () => {
      expect(await addBlock({ kind: "word", value: "x", action: "shadow" }, database.db)).toMatchObject({
        kind: "invalid",
        errors: { action: ["A word or a domain sends to the queue or refuses."] },
      });
      expect(await addBlock({ kind: "address", value: "not an address", action: "shadow" }, database.db)).toMatchObject(
        {
          kind: "invalid",
          errors: { value: [expect.stringContaining("Enter an address")] },
        },
      );
      expect(await addBlock({ kind: "planet", value: "x", action: "queue" }, database.db)).toMatchObject({
        kind: "invalid",
        errors: { kind: ["Choose what to block."] },
      });
      expect(await addBlock({ kind: "word", value: "x", action: "queue", days: 3 }, database.db)).toMatchObject({
        kind: "invalid",
        errors: { days: ["Choose how long it lasts."] },
      });
      await block("word", "Spam", "queue");
      await block("word", "spam", "refuse");
      expect((await listBlocks(database.db)).map((b) => [b.value, b.action])).toEqual([["spam", "refuse"]]);
    });
  });

  describe.skipIf(skipReason)("the spam score", () => {
    it("holds the same text posted on two other articles, in post mode too, with the reasons", async () => {
      const text = "Visit our wonderful store for the best prices on everything you need";
      for (const slug of ["other-article-1", "other-article-2"]) {
        const created = await createComment(
          { slug, name: "Spammer", body: text, status: "published", fingerprint: textFingerprint(text) },
          database.db,
        );
        expect(created.kind).toBe("created");
      }
      const since = new Date(Date.now() - 86_400_000);
      const fingerprint = textFingerprint(text);
      const earlier = await earlierComments(
        { slug: SLUG, browserId: null, body: text, fingerprint, sameTextSince: since },
        database.db,
      );
      expect(earlier).toEqual({ duplicateId: null, sameTextElsewhere: 2 });
      const held = await post(text.toUpperCase());
      expect(held.pending).toBe(true);
      const stored = await row(held.id);
      expect(stored.status).toBe("pending");
      expect(flagsIn(t, stored.flags)).toEqual([
        "Spam score 5 (the queue starts at 5)",
        "Spam: the same text on 2 other articles within 7 days (+5)",
      ]);
      expect(stored.fingerprint).toBe(textFingerprint(text));
    });

    it("holds a burst of link-only comments from one address", async () => {
      const ip = nextIp();
      const states: string[] = [];
      for (let i = 0; i < 4; i++) states.push((await row((await post(`https://site${i}.example`, { ip })).id)).status);
      // Alone a bare link scores 4; from the fourth comment within ten minutes the burst adds 2.
      expect(states).toEqual(["published", "published", "published", "pending"]);
    });

    it("follows SPAM_THRESHOLD, and 0 turns it off", async () => {
      vi.stubEnv("SPAM_THRESHOLD", "4");
      expect((await row((await post("https://bare.example")).id)).status).toBe("pending");
      vi.stubEnv("SPAM_THRESHOLD", "0");
      expect((await row((await post("https://bare.example/2")).id)).status).toBe("published");
    });
  });

  describe.skipIf(skipReason)("bulk moderation and the moderation list", () => {
    const LIST = "admin-list";
    let ids: string[] = [];
    beforeAll(async () => {
      if (skipReason) return;
      // 45 comments a minute apart on one article, a few on another, in every state.
      const start = Date.parse("2026-03-01T00:00:00Z");
      ids = [];
      for (let i = 0; i < 45; i++) {
        const created = await createComment(
          {
            slug: LIST,
            name: i % 5 === 0 ? "Grace Hopper" : `Reader ${i}`,
            body: i === 7 ? "Discount: 50% off_today" : `Comment number ${i} about Compilers`,
            status: i % 3 === 0 ? "pending" : "published",
            flags: i % 9 === 0 ? "Spam score 6 (the queue starts at 5)" : null,
          },
          database.db,
          new Date(start + i * 60_000),
        );
        if (created.kind !== "created") throw new Error(created.kind);
        ids.push(created.id);
      }
      await createComment(
        { slug: `${LIST}-other`, name: "Elsewhere", body: "compilers elsewhere", status: "hidden" },
        database.db,
      );
    });
    const page = (filter: Parameters<typeof listForModeration>[0], number = 1, size = 20) =>
      listForModeration(filter, { number, size }, database.db);

    it("pages through every comment, newest first, none twice, none left out", async () => {
      const seen: string[] = [];
      for (let number = 1; number <= 3; number++) {
        const { total, rows } = await page({ slug: LIST }, number);
        expect(total).toBe(45);
        seen.push(...rows.map((r) => r.id));
      }
      expect(seen).toEqual([...ids].reverse());
      expect((await page({ slug: LIST }, 4)).rows).toEqual([]);
    });

    it("searches names and text, case aside, wildcards as written", async () => {
      expect((await page({ slug: LIST, q: "grace" })).total).toBe(9);
      expect((await page({ slug: LIST, q: "COMPILERS" })).total).toBe(44);
      expect((await page({ q: "compilers" })).total).toBeGreaterThanOrEqual(45);
      expect((await page({ slug: LIST, q: "50%" })).rows.map((r) => r.body)).toEqual(["Discount: 50% off_today"]);
      expect((await page({ slug: LIST, q: "f_t" })).total).toBe(1);
      expect((await page({ slug: LIST, q: "0%_o" })).total).toBe(0);
      expect(await moderationCounts({ slug: LIST, q: "50%" }, database.db)).toEqual({
        byStatus: { published: 1 },
        all: 1,
        flagged: 0,
      });
    });

    it("filters by state and flags, and counts per state for the rest of the filter", async () => {
      expect((await page({ slug: LIST, status: "pending" })).total).toBe(15);
      expect((await page({ slug: LIST, flagged: true })).rows.every((r) => r.flags)).toBe(true);
      expect(await moderationCounts({ slug: LIST }, database.db)).toEqual({
        byStatus: { pending: 15, published: 30 },
        all: 45,
        flagged: 5,
      });
      expect(await moderationCounts({ slug: LIST, status: "pending" }, database.db)).toMatchObject({
        all: 45,
        flagged: 5,
      });
      expect(await moderationCounts({ slug: LIST, flagged: true }, database.db)).toMatchObject({
        byStatus: { pending: 5 },
        all: 5,
      });
      expect(await commentedArticles(database.db)).toEqual(
        expect.arrayContaining([
          { slug: LIST, count: 45 },
          { slug: `${LIST}-other`, count: 1 },
        ]),
      );
    });

    it("approves, hides and deletes the ticked comments, each once, at most a page of them", async () => {
      const pending = (await page({ slug: LIST, status: "pending" }, 1, 100)).rows.map((r) => r.id);
      expect(await moderateMany([...pending.slice(0, 3), pending[0], "missing"], "approve", database.db)).toBe(3);
      expect((await page({ slug: LIST, status: "pending" })).total).toBe(12);
      expect(await moderateMany(pending.slice(3, 5), "hide", database.db)).toBe(2);
      expect(await moderateMany(pending.slice(5, 7), "delete", database.db)).toBe(2);
      expect(await moderationCounts({ slug: LIST }, database.db)).toMatchObject({
        byStatus: { pending: 8, published: 33, hidden: 2 },
        all: 43,
      });
      expect(
        await moderateMany(
          Array.from({ length: MAX_BULK + 20 }, (_, i) => `missing-${i}`),
          "hide",
          database.db,
        ),
      ).toBe(0);
    });
  });
});
