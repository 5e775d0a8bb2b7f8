import { randomUUID } from "node:crypto";
import path from "node:path";
import { describe, expect, it, vi } from "vitest";
import {
  importBackup,
  importFrom,
  moderate,
  submitComment,
  submitEdit,
  submitRemoteEdit,
} from "@/lib/comments/service";
import { listComments } from "@/lib/comments/store";
import * as markdown from "@/lib/content/comment-markdown";
import { COMMENT_HTML_VERSION, renderCommentForPage } from "@/lib/content/comment-markdown";
import { issueFormToken } from "@/lib/server/form-token";
import type { Db } from "@/lib/server/db";
import { providers, withDatabase } from "../support/databases";

// Each comment's page HTML is kept in its row (lib/comments/store/page-html.ts): written with the
// body by every door, read back by pages instead of rendering the markdown, rendered again when the
// renderer that made it is not the current one.

// Counts the page renders of comment markdown; the renderer itself runs as it is.
vi.mock("@/lib/content/comment-markdown", async (original) => {
  const actual = await original<typeof markdown>();
  return { ...actual, renderCommentForPage: vi.fn(actual.renderCommentForPage) };
});
const renders = vi.mocked(markdown.renderCommentForPage);

const SLUG = "monolith-vs-microservices";
const FIXTURES = path.resolve(import.meta.dirname, "../fixtures/import");
const HOSTILE = '<script>alert(1)</script>\n\n[x](javascript:alert(1)) <img src=x onerror="alert(1)"> and **bold**';
const aged = () => issueFormToken(Date.now() - 10_000);

let address = 0;
const nextIp = () => `10.7.${Math.floor(++address / 250)}.${address % 250}`;

/** What a comment's row keeps of its text. */
const stored = (db: Db, id: string) =>
  db.comment.findUniqueOrThrow({ where: { id }, select: { body: true, html: true, htmlVersion: true } });

/** The row carries the page HTML of its body, made by the current renderer. */
async function expectCurrentHtml(db: Db, id: string) {
  const row = await stored(db, id);
  expect(row.htmlVersion).toBe(COMMENT_HTML_VERSION);
  expect(row.html).toBe(renderCommentForPage(row.body));
  return row;
}

async function post(
  db: Db,
  body: string,
  from: Partial<Parameters<typeof submitComment>[1]> = {},
  slug = SLUG,
): Promise<string> {
  const result = await submitComment(
    { slug, name: "Ada", body, token: from.mailId || from.remote ? null : aged() },
    { ip: nextIp(), browserId: null, ...from },
    db,
  );
  if (result.kind !== "posted") throw new Error(`not posted: ${result.kind}`);
  return result.id;
}

async function shown(db: Db, id: string, slug = SLUG): Promise<string | undefined> {
  const page = await listComments(slug, { threads: 1_000, viewer: { ownIds: new Set(), admin: true } }, db);
  const all = page.threads.flatMap(function flat(c): (typeof page.threads)[number][] {
    return [c, ...c.replies.flatMap(flat)];
  });
  return all.find((c) => c.id === id)?.html;
}

/** Waits for the page's write-back of the HTML it rendered (not awaited by the page). */
async function writtenBack(db: Db, id: string) {
  for (let i = 0; i < 100; i++) {
    const row = await stored(db, id);
    if (row.htmlVersion === COMMENT_HTML_VERSION) return row;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`${id}: not written back`);
}

describe.each(providers)("a comment's stored page HTML on %s", (name, open, skipReason) => {
  const database = withDatabase(open, skipReason);

  describe.skipIf(skipReason)("written by every door", () => {
    it("a new comment (the form, the JSON API), a reply by mail, a fediverse note, a webmention", async () => {
      const { db } = database;
      const code = "Some `code`:\n\n```\nx < y\n```";
      const form = await post(db, code);
      const row = await expectCurrentHtml(db, form);
      // What pages show: the code block focusable.
      expect(row.html).toContain('<pre tabindex="0" role="region" aria-label="Code"><code>x &#x3C; y');
      await expectCurrentHtml(db, await post(db, "By *mail*", { mailId: `mail-${Date.now()}@example.net` }));
      const remote = {
        id: `https://social.example/notes/${Date.now()}`,
        actor: "https://social.example/users/ada",
        handle: "@ada@social.example",
        avatar: null,
        url: null,
        instance: "social.example",
      };
      await expectCurrentHtml(db, await post(db, "From the **fediverse**", { ip: "unknown", remote }));
      const mention = { ...remote, id: `https://blog.example/${Date.now()}`, instance: "blog.example" };
      await expectCurrentHtml(db, await post(db, "A webmention, [linked](https://blog.example/)", { remote: mention }));
    });

    it("keeps the sanitizer's output of a hostile body, nothing else", async () => {
      const { db } = database;
      const id = await post(db, HOSTILE);
      const { html } = await expectCurrentHtml(db, id);
      // Typed markup is text (&#x3C;script>…), the link's javascript: address is dropped.
      expect(html).not.toMatch(/<(script|img)\b|href="javascript:/i);
      expect(html).toContain("<strong>bold</strong>");
      expect(await shown(db, id)).toBe(html);
    });

    it("an edit, a fediverse edit and a deletion change the stored HTML with the body", async () => {
      const { db } = database;
      const id = await post(db, "First *words*");
      const edited = await submitEdit(
        { id, body: "Second **words**" },
        { ip: nextIp(), viewer: { ownIds: new Set([id]) } },
        db,
      );
      expect(edited.kind).toBe("saved");
      expect((await expectCurrentHtml(db, id)).html).toBe("<p>Second <strong>words</strong></p>");
      expect(await shown(db, id)).toBe("<p>Second <strong>words</strong></p>");

      const remote = {
        id: `https://social.example/notes/edit-${Date.now()}`,
        actor: "https://social.example/users/bo",
        handle: "@bo@social.example",
        avatar: null,
        url: null,
        instance: "social.example",
      };
      const note = await post(db, "Before", { ip: "unknown", remote });
      const change = await submitRemoteEdit(
        { remoteId: remote.id, actor: remote.actor, instance: remote.instance, body: "After _edit_" },
        db,
      );
      expect(change.kind).toBe("saved");
      expect((await expectCurrentHtml(db, note)).html).toBe("<p>After <em>edit</em></p>");

      // A deleted comment with a reply keeps its place, not its text, nor the HTML of it.
      const reply = await submitComment(
        { slug: SLUG, name: "Bo", body: "A reply", parentId: note, token: aged() },
        { ip: nextIp(), browserId: null },
        db,
      );
      expect(reply.kind).toBe("posted");
      expect(await moderate(note, "delete", db)).toBe(true);
      expect(await stored(db, note)).toEqual({ body: "", html: null, htmlVersion: null });
    });

    it("an import from another system and a Marginalia backup", async () => {
      const { db } = database;
      const before = new Set((await db.comment.findMany({ select: { id: true } })).map((c) => c.id));
      const report = await importFrom(
        { format: "disqus", file: path.join(FIXTURES, "disqus.xml"), slugs: new Set([SLUG]), now: new Date() },
        db,
      );
      expect(report.added).toBeGreaterThan(0);
      const imported = (
        await db.comment.findMany({ where: { articleSlug: SLUG, deletedAt: null }, select: { id: true } })
      ).filter((c) => !before.has(c.id));
      expect(imported.length).toBeGreaterThan(0);
      // Imported rows wait for their first view to render (an import stays as fast as before),
      // which writes their HTML back.
      for (const { id } of imported) expect(await stored(db, id)).toMatchObject({ html: null, htmlVersion: null });
      // The author's view: every imported comment shows, held ones too.
      await listComments(SLUG, { threads: 1000, viewer: { ownIds: new Set(), admin: true } }, db);
      await vi.waitFor(
        async () => {
          for (const { id } of imported) await expectCurrentHtml(db, id);
        },
        { timeout: 10_000 },
      );

      const at = new Date().toISOString();
      const comment = (id: string, body: string, deletedAt: string | null = null) => ({
        id,
        articleSlug: SLUG,
        parentId: null,
        rootId: id,
        depth: 1,
        replyToName: null,
        authorName: deletedAt ? "" : "Restored",
        body,
        status: "published",
        createdAt: at,
        editedAt: null,
        deletedAt,
        authorUrl: null,
        byAuthor: false,
        pinned: false,
        flags: null,
      });
      const backup = {
        format: "marginalia-comments",
        version: 1,
        exportedAt: at,
        comments: [comment(randomUUID(), HOSTILE), comment(randomUUID(), "", at)],
        reactions: [],
        locks: [],
      };
      const result = await importBackup(backup, db);
      expect(result, JSON.stringify(result)).toMatchObject({ kind: "imported" });
      expect(await stored(db, backup.comments[0].id)).toMatchObject({ html: null, htmlVersion: null });
      await listComments(SLUG, { threads: 1000, viewer: { ownIds: new Set(), admin: true } }, db);
      const restored = await vi.waitFor(() => expectCurrentHtml(db, backup.comments[0].id), { timeout: 10_000 });
      expect(restored.html).not.toMatch(/<(script|img)\b|href="javascript:/i);
      expect(await stored(db, backup.comments[1].id)).toMatchObject({ html: null, htmlVersion: null });
    });
  });

  describe.skipIf(skipReason)("read back", () => {
    /** A row written straight in, as an older version (or another renderer) left it. */
    async function legacyRow(db: Db, slug: string, id: string, html: string | null, htmlVersion: number | null) {
      await db.comment.create({
        data: {
          id,
          articleSlug: slug,
          rootId: id,
          authorName: "Old",
          body: `Plain *text* of ${id}`,
          html,
          htmlVersion,
        },
      });
    }

    it("renders a row without HTML, or with another version's, never trusting it; then writes it back", async () => {
      const { db } = database;
      const stamp = Date.now();
      const cases = [
        { slug: "field-note-01", html: null, version: null, writtenBack: true },
        {
          slug: "field-note-02",
          html: '<p><img src=x onerror="alert(1)"></p>',
          version: COMMENT_HTML_VERSION - 1,
          writtenBack: true,
        },
        // A newer renderer's (an instance of the next version, during a deploy): not shown, not overwritten.
        {
          slug: "field-note-03",
          html: "<script>alert(1)</script>",
          version: COMMENT_HTML_VERSION + 1000,
          writtenBack: false,
        },
      ];
      for (const { slug, html, version, writtenBack: written } of cases) {
        const id = `${slug}-${stamp}`;
        await legacyRow(db, slug, id, html, version);
        expect(await shown(db, id, slug)).toBe(`<p>Plain <em>text</em> of ${id}</p>`);
        if (written) expect((await writtenBack(db, id)).html).toBe(`<p>Plain <em>text</em> of ${id}</p>`);
        else {
          await new Promise((resolve) => setTimeout(resolve, 200));
          expect(await stored(db, id)).toMatchObject({ html, htmlVersion: version });
        }
      }
    });

    // PostgreSQL locks rows: a restore or a moderator's change holding some must not wait on the
    // write-back, nor deadlock with it (it locks them in the page's order, they in theirs).
    it.skipIf(name !== "PostgreSQL")(
      "never waits on a row another write holds: the rest now, that one later",
      async () => {
        const { db } = database;
        const slug = "field-note-09";
        const [held, free] = ["held", "free"].map((which) => `${slug}-${which}-${Date.now()}`);
        await legacyRow(db, slug, held, null, null);
        await legacyRow(db, slug, free, null, null);
        let release = () => {};
        const released = new Promise<void>((resolve) => (release = resolve));
        let holding = () => {};
        const isHeld = new Promise<void>((resolve) => (holding = resolve));
        const holder = db.$transaction(
          async (tx) => {
            await tx.$queryRawUnsafe(`SELECT id FROM "Comment" WHERE id = $1 FOR UPDATE`, held);
            holding();
            await released;
          },
          { timeout: 60_000 },
        );
        await isHeld;
        try {
          await shown(db, held, slug);
          expect((await writtenBack(db, free)).html).toBe(`<p>Plain <em>text</em> of ${free}</p>`);
          expect(await stored(db, held)).toMatchObject({ html: null, htmlVersion: null });
        } finally {
          release();
          await holder;
        }
        await shown(db, held, slug);
        expect((await writtenBack(db, held)).html).toBe(`<p>Plain <em>text</em> of ${held}</p>`);
      },
    );

    it("shows the stored HTML of the current version without rendering the body", async () => {
      const { db } = database;
      const slug = "field-note-07";
      const id = `${slug}-${Date.now()}`;
      await legacyRow(db, slug, id, "<p>as stored</p>", COMMENT_HTML_VERSION);
      renders.mockClear();
      expect(await shown(db, id, slug)).toBe("<p>as stored</p>");
      expect(renders).not.toHaveBeenCalled();
    });
  });

  describe.skipIf(skipReason)("the first render of a 10,000-comment article", () => {
    const LONG = "field-note-05";

    it("renders no markdown: every comment shown comes with its HTML", { timeout: 180_000 }, async () => {
      const { db } = database;
      const rows = [];
      for (let i = 0; i < 10_000; i++) {
        const id = `long-${i}`;
        const root = `long-${i - (i % 4)}`;
        // Each text different, as readers' are: the renderer's cache by text cannot answer.
        const body = `Comment ${i} *on* the article, [a link](https://example.com/${i})\n\n> quoted ${i}`;
        rows.push({
          id,
          articleSlug: LONG,
          parentId: i % 4 === 0 ? null : root,
          rootId: root,
          depth: i % 4 === 0 ? 1 : 2,
          authorName: `Reader ${i % 97}`,
          body,
          // As every door writes it (lib/comments/store/page-html.ts htmlColumns).
          html: `<p>stored ${i}</p>`,
          htmlVersion: COMMENT_HTML_VERSION,
          createdAt: new Date(Date.UTC(2026, 0, 1) + i * 1000),
        });
      }
      for (let i = 0; i < rows.length; i += 1_000) await db.comment.createMany({ data: rows.slice(i, i + 1_000) });

      renders.mockClear();
      const page = await listComments(LONG, {}, db);
      expect(page.count).toBe(10_000);
      expect(page.threads).toHaveLength(50);
      expect(page.threads[0].html).toBe("<p>stored 0</p>");
      expect(page.threads[49].replies.at(-1)?.html).toBe("<p>stored 199</p>");
      expect(renders).not.toHaveBeenCalled();
    });
  });
});
