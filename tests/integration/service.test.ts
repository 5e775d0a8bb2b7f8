import { afterEach, describe, expect, it, vi } from "vitest";
import {
  addBlock,
  importBackup,
  lockDiscussion,
  moderate,
  removeBlock,
  submitComment,
  submitDelete,
  submitEdit,
  submitReaction,
} from "@/lib/comments/service";
import { exportComments, exportText } from "@/lib/comments/backup";
import type { CommentExport } from "@/lib/comments/export-schema";
import { createComment, listComments } from "@/lib/comments/store";
import { subscribe } from "@/lib/mail/subscriptions";
import { isThreadLocked } from "@/lib/comments/moderation";
import { flagsIn } from "@/lib/comments/flags";
import { t } from "@/lib/i18n";
import { issueFormToken } from "@/lib/server/form-token";
import { cachedPage, PLACEHOLDER } from "@/lib/server/page-cache";
import { providers, withDatabase } from "../support/databases";

// The one door to the comment store (lib/comments/service/): every write keeps its rules, drops
// the cached page it changes, and, with a webhook set up, queues its event with the change.

const SLUG = "monolith-vs-microservices";
const aged = () => issueFormToken(Date.now() - 10_000); // older than the minimum fill time

describe.each(providers)("the comment service on %s", (_name, open, skipReason) => {
  const database = withDatabase(open, skipReason);
  let address = 0;
  const nextIp = () => `10.9.${Math.floor(++address / 250)}.${address % 250}`;

  async function post(body: string, options: { parentId?: string; browserId?: string; ip?: string } = {}) {
    const result = await submitComment(
      { slug: SLUG, name: "Ada", body, parentId: options.parentId, token: aged() },
      { ip: options.ip ?? nextIp(), browserId: options.browserId ?? null },
      database.db,
    );
    if (result.kind !== "posted") throw new Error(`not posted: ${result.kind}`);
    return result.id;
  }
  const published = async () =>
    (await listComments(SLUG, { threads: 1_000 }, database.db)).threads.map((c) => ({ id: c.id, html: c.html }));
  const webhooks = async () =>
    (await database.db.outboxMessage.findMany({ where: { kind: "webhook" }, orderBy: { createdAt: "asc" } })).map(
      (row) => JSON.parse(row.payload) as { type: string; comment: { id: string; status: string; body: string } },
    );

  /** Whether the cached article page is rendered again on the next request (a change dropped it). */
  async function cacheDropsAfter(change: () => Promise<unknown>): Promise<boolean> {
    let renders = 0;
    const render = async () => {
      renders++;
      return new Response(`<p>${PLACEHOLDER.token}</p>`, { status: 200 });
    };
    // A clock held still: only the change, never PAGE_CACHE_SECONDS passing, renders it again.
    const still = () => Date.parse("2026-12-01T12:00:00Z");
    await cachedPage(SLUG, render, still);
    await cachedPage(SLUG, render, still);
    const before = renders;
    await change();
    await cachedPage(SLUG, render, still);
    return renders > before;
  }

  afterEach(() => {
    vi.unstubAllEnvs();
  });

  describe.skipIf(skipReason)("writes", () => {
    it("posts through the rules: invalid input, a locked discussion and the rate limit refuse, nothing stored; a refused post takes its place under the limit", async () => {
      const ip = nextIp();
      vi.stubEnv("COMMENT_RATE_PER_MINUTE", "2");
      vi.stubEnv("COMMENT_RATE_PER_HOUR", "2"); // the same places for an hour: however slow the test, none frees up
      const invalid = await submitComment(
        { slug: SLUG, name: "", body: "", token: aged() },
        { ip, browserId: null },
        database.db,
      );
      expect(invalid.kind).toBe("invalid");

      await lockDiscussion(SLUG, true, database.db);
      const locked = await submitComment(
        { slug: SLUG, name: "Ada", body: "Closed?", token: aged() },
        { ip, browserId: null },
        database.db,
      );
      expect(locked.kind).toBe("locked");
      await lockDiscussion(SLUG, false, database.db);

      // The invalid post took the first of the minute's two places.
      await post("One", { ip });
      const third = await submitComment(
        { slug: SLUG, name: "Ada", body: "Three", token: aged() },
        { ip, browserId: null },
        database.db,
      );
      expect(third.kind).toBe("rate-limited");
      expect((await published()).map((c) => c.html)).not.toContain("<p>Three</p>");
    });

    it("judges one refused submission twice (server.ts's lane, then the form's action) under one place, the same way", async () => {
      const ip = nextIp();
      vi.stubEnv("COMMENT_RATE_PER_MINUTE", "2");
      vi.stubEnv("COMMENT_RATE_PER_HOUR", "2");
      const token = aged();
      const judge = () =>
        submitComment({ slug: SLUG, name: "", body: "Hi", token }, { ip, browserId: null }, database.db);
      const first = await judge();
      expect(first.kind).toBe("invalid");
      expect(await judge()).toEqual(first);
      expect(await database.db.rateLimitHit.count({ where: { key: `comment:${ip}` } })).toBe(1);
      // The second place is still free: the reader, name added, posts.
      await post("Now with a name", { ip });
      expect((await judge()).kind).toBe("invalid");
      const another = await submitComment(
        { slug: SLUG, name: "Ada", body: "Three", token: aged() },
        { ip, browserId: null },
        database.db,
      );
      expect(another.kind).toBe("rate-limited");
    });

    it("keeps a stored comment's place when its form is sent again (the second send gives back none)", async () => {
      const ip = nextIp();
      const token = aged();
      const send = () =>
        submitComment({ slug: SLUG, name: "Ada", body: "Once", token }, { ip, browserId: "b-1" }, database.db);
      expect(await send()).toMatchObject({ kind: "posted", duplicate: false });
      expect(await send()).toMatchObject({ kind: "posted", duplicate: true });
      expect(await database.db.rateLimitHit.count({ where: { key: `comment:${ip}` } })).toBe(1);
    });

    it("applies a lock, a ban and their lifting from the very next post (the rules SQLite keeps are read again)", async () => {
      const ip = nextIp();
      const attempt = (body: string) =>
        submitComment({ slug: SLUG, name: "Ada", body, token: aged() }, { ip, browserId: null }, database.db).then(
          (r) => r.kind,
        );
      expect(await attempt("Before the lock")).toBe("posted");
      await lockDiscussion(SLUG, true, database.db);
      expect(await attempt("While locked")).toBe("locked");
      await lockDiscussion(SLUG, false, database.db);
      expect(await attempt("After the lock")).toBe("posted");

      const ban = await addBlock({ kind: "address", value: ip, action: "refuse" }, database.db);
      if (ban.kind !== "saved") throw new Error(ban.kind);
      expect(await attempt("While banned")).toBe("refused");
      expect(await removeBlock(ban.rule.id, database.db)).toBe(true);
      expect(await attempt("After the ban")).toBe("posted");
      const bodies = (await published()).map((c) => c.html);
      expect(bodies).not.toContain("<p>While locked</p>");
      expect(bodies).not.toContain("<p>While banned</p>");
    });

    it("holds the rate limit against a burst: 20 posts sent together from one address store 5", async () => {
      // The minute's 5 for an hour: however long the burst takes, no place frees up within it.
      vi.stubEnv("COMMENT_RATE_PER_MINUTE", "5");
      vi.stubEnv("COMMENT_RATE_PER_HOUR", "5");
      const ip = nextIp();
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          submitComment(
            { slug: SLUG, name: "Burst", body: `Burst ${i} ${ip}`, token: aged() },
            { ip, browserId: `burst-${i}` },
            database.db,
          ),
        ),
      );
      expect(results.filter((r) => r.kind === "posted")).toHaveLength(5);
      expect(results.filter((r) => r.kind === "rate-limited")).toHaveLength(15);
      const stored = await database.db.comment.count({ where: { body: { endsWith: ` ${ip}` } } });
      expect(stored).toBe(5);
    });

    it("drops the cached page on every change: post, edit, 👍, moderation, lock, import", async () => {
      vi.stubEnv("NODE_ENV", "production");
      vi.stubEnv("PAGE_CACHE_SECONDS", "600");
      const id = await post("Cached?");
      const viewer = { ownIds: new Set([id]) };
      expect(await cacheDropsAfter(() => post("A new comment"))).toBe(true);
      expect(
        await cacheDropsAfter(() => submitEdit({ id, body: "Edited" }, { ip: nextIp(), viewer }, database.db)),
      ).toBe(true);
      expect(await cacheDropsAfter(() => submitReaction(id, { ip: nextIp(), voterId: "voter-1" }, database.db))).toBe(
        true,
      );
      expect(await cacheDropsAfter(() => moderate(id, "pin", database.db))).toBe(true);
      expect(await cacheDropsAfter(() => moderate(id, "hide", database.db))).toBe(true);
      expect(await cacheDropsAfter(() => lockDiscussion(SLUG, true, database.db))).toBe(true);
      await lockDiscussion(SLUG, false, database.db);
      const backup = await exportComments(database.db);
      expect(await cacheDropsAfter(() => importBackup(backup, database.db))).toBe(true);
      // A refused change drops nothing.
      expect(await cacheDropsAfter(() => submitEdit({ id, body: "" }, { ip: nextIp(), viewer }, database.db))).toBe(
        false,
      );
      expect(await cacheDropsAfter(() => moderate("no-such-comment", "hide", database.db))).toBe(false);
    });

    it("keeps a comment sent faster than the minimum fill time, held for approval; only the honeypot is silent", async () => {
      // A fill time no test can outrun, so every post here is quick whatever the machine's speed.
      vi.stubEnv("COMMENT_MIN_FILL_SECONDS", "3600");
      const fresh = () => issueFormToken(Date.now());
      const quick = await submitComment(
        { slug: SLUG, name: "Ada", body: "+1, same here", token: fresh() },
        { ip: nextIp(), browserId: null },
        database.db,
      );
      expect(quick).toMatchObject({ kind: "posted", pending: true, duplicate: false });
      const row = await database.db.comment.findUniqueOrThrow({
        where: { id: quick.kind === "posted" ? quick.id : "" },
      });
      expect(row).toMatchObject({ body: "+1, same here", status: "pending" });
      expect(flagsIn(t, row.flags)).toEqual(["Sent within 3,600 seconds of the form appearing"]);
      // An empty form sent as fast is told what is missing, not thanked.
      const empty = await submitComment(
        { slug: SLUG, name: "", body: "", token: fresh() },
        { ip: nextIp(), browserId: null },
        database.db,
      );
      expect(empty).toMatchObject({ kind: "invalid", errors: { name: expect.any(Array), body: expect.any(Array) } });
      const trapped = await submitComment(
        { slug: SLUG, name: "Bot", body: "Buy now", token: aged(), honeypot: "https://spam.example" },
        { ip: nextIp(), browserId: null },
        database.db,
      );
      expect(trapped.kind).toBe("ignored");
      expect(await database.db.comment.count({ where: { body: "Buy now" } })).toBe(0);
    });

    it("keeps a hidden comment hidden: its author's edit is refused and changes nothing", async () => {
      vi.stubEnv("COMMENTS_MODERATION", "pre");
      const id = await post("Soon hidden");
      expect(await moderate(id, "hide", database.db)).toBe(true);
      const viewer = { ownIds: new Set([id]) };
      const edit = await submitEdit({ id, body: "Let me back in" }, { ip: nextIp(), viewer }, database.db);
      expect(edit).toEqual({ kind: "hidden" });
      expect(await database.db.comment.findUniqueOrThrow({ where: { id } })).toMatchObject({
        status: "hidden",
        body: "Soon hidden",
        editedAt: null,
      });
    });

    it("deletes one's own comment only, within the window", async () => {
      const id = await post("Mine to delete");
      expect(await submitDelete(id, { viewer: { ownIds: new Set() } }, database.db)).toEqual({ kind: "not-yours" });
      expect(await submitDelete(id, { viewer: { ownIds: new Set([id]) } }, database.db)).toEqual({ kind: "ok" });
      expect((await published()).map((c) => c.id)).not.toContain(id);
    });
  });

  describe.skipIf(skipReason)("webhook events", () => {
    it("queues an event for each change with the change itself: created, edited, hidden, approved, deleted", async () => {
      vi.stubEnv("WEBHOOK_URL", "http://127.0.0.1:9/hook");
      await database.db.outboxMessage.deleteMany({});
      const id = await post("Hooked");
      const viewer = { ownIds: new Set([id]) };
      expect((await submitEdit({ id, body: "Hooked, edited" }, { ip: nextIp(), viewer }, database.db)).kind).toBe(
        "saved",
      );
      expect(await moderate(id, "hide", database.db)).toBe(true);
      expect(await moderate(id, "approve", database.db)).toBe(true);
      expect(await moderate(id, "pin", database.db)).toBe(true); // no event of its own
      expect(await moderate(id, "delete", database.db)).toBe(true);
      // Refused changes queue nothing.
      expect((await submitEdit({ id: "missing", body: "x" }, { ip: nextIp(), viewer }, database.db)).kind).toBe(
        "not-yours",
      );
      expect(await moderate("missing", "hide", database.db)).toBe(false);

      const events = await webhooks();
      expect(events.map((e) => [e.type, e.comment.id, e.comment.status])).toEqual([
        ["comment.created", id, "published"],
        ["comment.edited", id, "published"],
        ["comment.hidden", id, "hidden"],
        ["comment.approved", id, "published"],
        ["comment.deleted", id, "deleted"],
      ]);
      expect(events[1].comment.body).toBe("Hooked, edited");
      // A deleted comment's text is not sent on.
      expect(events[4].comment.body).toBe("");
    });

    it("queues nothing without a webhook", async () => {
      await database.db.outboxMessage.deleteMany({});
      const id = await post("No hook");
      await moderate(id, "hide", database.db);
      expect(await webhooks()).toEqual([]);
    });
  });

  describe.skipIf(skipReason)("export and import", () => {
    it("writes a site of several pages of rows whole, parents first, and never a reply without its parent", async () => {
      const slug = "service-export-pages";
      const id = (i: number) => `page-${String(i).padStart(4, "0")}`;
      // 2,101 comments across two depths and 2,001 👍 on them: pages of 1,000.
      await database.db.comment.createMany({
        data: Array.from({ length: 2_101 }, (_, i) => ({
          id: id(i),
          articleSlug: slug,
          parentId: i < 1_050 ? null : id(0),
          rootId: i < 1_050 ? id(i) : id(0),
          depth: i < 1_050 ? 1 : 2,
          authorName: `Reader ${i}`,
          body: `Comment ${i}`,
          status: "published",
        })),
      });
      await database.db.reaction.createMany({
        data: Array.from({ length: 2_001 }, (_, i) => ({ commentId: id(i % 50), voterId: `pager-${i}` })),
      });

      // A thread and a 👍 on it arrive while the file is written, once the page that would have
      // held the new comment ("page-000", just before "page-0000") was read: neither the reply nor
      // the 👍 may be in the file.
      let text = "";
      let arrived = false;
      for await (const piece of exportText(database.db)) {
        text += piece;
        if (arrived || !piece.includes(`"${id(0)}"`)) continue;
        arrived = true;
        await database.db.comment.create({
          data: {
            id: "page-000",
            articleSlug: slug,
            rootId: "page-000",
            depth: 1,
            authorName: "L",
            body: "L",
            status: "published",
          },
        });
        await database.db.comment.create({
          data: {
            id: "page-late-reply",
            articleSlug: slug,
            parentId: "page-000",
            rootId: "page-000",
            depth: 2,
            authorName: "R",
            body: "R",
            status: "published",
          },
        });
        await database.db.reaction.create({ data: { commentId: "page-000", voterId: "pager-late" } });
      }
      const exported = JSON.parse(text) as CommentExport;
      const mine = exported.comments.filter((c) => c.articleSlug === slug).map((c) => c.id);
      expect(mine).toEqual(Array.from({ length: 2_101 }, (_, i) => id(i)));
      const votes = exported.reactions.filter((r) => r.voterId.startsWith("pager-")).map((r) => r.voterId);
      expect(new Set(votes)).toEqual(new Set(Array.from({ length: 2_001 }, (_, i) => `pager-${i}`)));

      const target = await open();
      try {
        expect(await importBackup(exported, target.db)).toMatchObject({
          kind: "imported",
          added: exported.comments.length,
        });
        expect(await target.db.comment.count({ where: { articleSlug: slug } })).toBe(2_101);
        expect(await target.db.reaction.count({ where: { voterId: { startsWith: "pager-" } } })).toBe(2_001);
      } finally {
        await target.drop();
      }
    });

    it("carries pins, author badges, web sites, flags and locks; emails only when asked for, then back in", async () => {
      const slug = "service-export";
      const created = await createComment(
        { slug, name: "Ahmad Waqar", body: "From the author", status: "published", byAuthor: true },
        database.db,
      );
      if (created.kind !== "created") throw new Error(created.kind);
      await moderate(created.id, "pin", database.db);
      await database.db.comment.update({
        where: { id: created.id },
        data: { authorUrl: "https://waqar.example/", flags: "Imported: longer than 5,000 characters" },
      });
      await lockDiscussion(slug, true, database.db);
      await database.db.$transaction((tx) =>
        subscribe(tx as never, { email: "reader@example.com", kind: "discussion", target: slug }),
      );
      await database.db.subscriber.updateMany({ data: { confirmedAt: new Date("2026-11-01T00:00:00Z") } });

      const plain = await exportComments(database.db);
      expect(JSON.stringify(plain)).not.toContain("reader@example.com");
      expect(plain).not.toHaveProperty("subscribers");
      const full = await exportComments(database.db, new Date(), { emails: true });
      expect(full.subscribers).toEqual([
        {
          email: "reader@example.com",
          confirmedAt: "2026-11-01T00:00:00.000Z",
          subscriptions: [{ kind: "discussion", target: slug }],
        },
      ]);

      const target = await open();
      try {
        expect((await importBackup(JSON.parse(JSON.stringify(full)), target.db)).kind).toBe("imported");
        const again = await exportComments(target.db, new Date(), { emails: true });
        expect(again.comments).toEqual(full.comments);
        expect(again.subscribers).toEqual(full.subscribers);
        expect(await isThreadLocked(slug, target.db)).toBe(true);
        const [comment] = (await listComments(slug, {}, target.db)).threads;
        expect(comment).toMatchObject({ pinned: true, byAuthor: true });
      } finally {
        await target.drop();
      }
    });
  });
});
