import path from "node:path";
import { describe, expect, it } from "vitest";
import { importFrom } from "@/lib/comments/service";
import { listComments, type CommentView } from "@/lib/comments/store";
import { MARKUP_BUDGET, markupCost } from "@/lib/content/comment-markdown";
import { parseMap } from "@/lib/comments/import/paths";
import type { ImportReport } from "@/lib/comments/import/run";
import type { ImportFormat, SkipReason } from "@/lib/comments/import/source";
import { providers, withDatabase } from "../support/databases";

// The importers against exports nobody on this project wrote: the test data of Isso, Remark42,
// WordPress's theme review team and WordPress's importer (tests/fixtures/import/real/SOURCES.md
// names each file's repository, commit and licence, and what its own system keeps of it). Each is
// imported as a user would (their slugs, a map or two), on both databases: what its system keeps
// comes in, what it never showed is skipped by reason, orphans stand alone, a second run adds
// nothing, and no reader sees a literal tag.

const REAL = path.resolve(import.meta.dirname, "../fixtures/import/real");
const now = new Date("2026-01-01T00:00:00Z");

type Case = {
  file: string;
  format: ImportFormat;
  slugs: string[];
  maps?: string[];
  /** Comments stored (placeholders of deleted comments included), per article. */
  perArticle: Record<string, number>;
  pending?: number;
  placeholders?: number;
  orphans?: number;
  skippedBy?: Partial<Record<SkipReason, number>>;
  locked?: string[];
  bans?: string[];
};

const CASES: Case[] = [
  {
    // Isso keeps 5 (with --empty-id), the deleted one emptied; its orphan post names a missing thread.
    file: "isso-disqus.xml",
    format: "disqus",
    slugs: ["hello-world", "redacted"],
    maps: ["/ -> /articles/hello-world", "/blog/*/*/*/{slug}/index.html"],
    perArticle: { "hello-world": 4, redacted: 1 },
    placeholders: 1,
    skippedBy: { "no-thread": 1 },
  },
  {
    // Isso keeps 8; "/?p=4" is a post of its own, and comment id 11 is in both posts.
    file: "isso-wordpress.xml",
    format: "wordpress",
    slugs: ["test", "hello-p4"],
    maps: ["/?p=4 -> /articles/hello-p4"],
    perArticle: { test: 7, "hello-p4": 1 },
  },
  {
    // Written by Isso's own importer from the two files above: 13 rows, 3 of them Disqus HTML.
    file: "isso-comments.db",
    format: "isso",
    slugs: ["hello-world", "redacted", "test", "hello-p4"],
    maps: ["/ -> /articles/hello-world", "/blog/*/*/*/{slug}/index.html", "/?p=4 -> /articles/hello-p4", "/*/{slug}/"],
    perArticle: { "hello-world": 4, redacted: 1, test: 7, "hello-p4": 1 },
    placeholders: 1,
  },
  {
    // Remark42 keeps 4: not the spam, not the post with an unquoted attribute.
    file: "remark42-disqus.xml",
    format: "disqus",
    slugs: ["podcast-229", "podcast-229-old"],
    maps: ["/p/*/*/*/{slug}/", "/2011/03/229_8880.html -> /articles/podcast-229-old"],
    perArticle: { "podcast-229": 2, "podcast-229-old": 2 },
    skippedBy: { spam: 1, xml: 1 },
    locked: ["podcast-229"],
  },
  {
    file: "remark42-disqus-deleted-post.xml",
    format: "disqus",
    slugs: ["podcast-229", "podcast-229-old"],
    maps: ["/p/*/*/*/{slug}/", "/2011/03/229_8880.html -> /articles/podcast-229-old"],
    perArticle: { "podcast-229": 1, "podcast-229-old": 2 },
    skippedBy: { spam: 1, xml: 1, deleted: 1 },
    locked: ["podcast-229"],
  },
  {
    file: "remark42-disqus-deleted-thread.xml",
    format: "disqus",
    slugs: ["podcast-229", "podcast-229-old"],
    maps: ["/p/*/*/*/{slug}/", "/2011/03/229_8880.html -> /articles/podcast-229-old"],
    perArticle: { "podcast-229-old": 2 },
    skippedBy: { "thread-deleted": 3, xml: 1 },
  },
  {
    // Remark42 keeps 3 (the pingback, not the unapproved one); here the unapproved one waits.
    file: "remark42-wordpress.xml",
    format: "wordpress",
    slugs: ["do-you-rp"],
    perArticle: { "do-you-rp": 3 },
    pending: 1,
    orphans: 1,
    skippedBy: { ping: 1 },
  },
  {
    // Remark42 keeps both (one answers a comment not in the file), the post read-only, user2 blocked.
    file: "remark42-backup.jsonl",
    format: "remark42",
    slugs: ["radio-t", "radio-t-2"],
    maps: ["/ -> /articles/radio-t", "/2 -> /articles/radio-t-2"],
    perArticle: { "radio-t": 1, "radio-t-2": 1 },
    orphans: 1,
    locked: ["radio-t"],
    bans: ["user name"],
  },
  {
    // WordPress keeps 32: 28 comments (3 unapproved), 2 pingbacks, 2 trackbacks. One comment is
    // over 5,000 characters: held for review.
    file: "themeunittestdata.wordpress.xml",
    format: "wordpress",
    slugs: [
      "page-with-comments",
      "blog",
      "template-comments",
      "template-pingbacks-an-trackbacks",
      "template-password-protected",
      "edge-case-no-content",
    ],
    perArticle: {
      "page-with-comments": 4,
      blog: 1,
      "template-comments": 20,
      "template-pingbacks-an-trackbacks": 1,
      "template-password-protected": 1,
      "edge-case-no-content": 1,
    },
    pending: 4,
    skippedBy: { ping: 4 },
    locked: ["edge-case-no-content", "template-password-protected", "template-pingbacks-an-trackbacks"],
  },
  {
    file: "wxr-comprehensive.xml",
    format: "wordpress",
    slugs: ["comprehensive-post", "comprehensive-page"],
    perArticle: { "comprehensive-post": 1 },
    locked: ["comprehensive-page"],
  },
  {
    // Derived from the file above: WordPress 6.9 notes, a trashed comment with a reply, a pingback.
    file: "wordpress-6.9-notes.xml",
    format: "wordpress",
    slugs: ["comprehensive-post", "comprehensive-page"],
    perArticle: { "comprehensive-post": 4, "comprehensive-page": 1 },
    placeholders: 1,
    skippedBy: { note: 3, ping: 1 },
    locked: ["comprehensive-page"],
  },
];

/** Every comment of an article, nested, for a reader who sees everything. */
function flatten(threads: CommentView[]): CommentView[] {
  return threads.flatMap((c) => [c, ...flatten(c.replies)]);
}

/** An escaped tag in the rendered page: what a reader would see as literal markup. */
const LITERAL_TAG = /&lt;\/?(p|br|a|b|i|em|strong|blockquote|code|pre|ul|ol|li|div|span)\b/i;

describe.each(providers)("real exports on %s", (_name, open, skipReason) => {
  const database = withDatabase(open, skipReason);
  const wipe = async () => {
    for (const depth of [3, 2, 1]) await database.db.comment.deleteMany({ where: { depth } });
    await database.db.threadLock.deleteMany();
    await database.db.block.deleteMany();
  };
  const run = (c: Case) =>
    importFrom(
      {
        format: c.format,
        file: path.join(REAL, c.file),
        slugs: new Set(c.slugs),
        maps: (c.maps ?? []).map((text) => parseMap(text)),
        now,
      },
      database.db,
    );

  it.skipIf(skipReason).each(CASES)("$file: what its system keeps, once", async (c) => {
    await wipe();
    const report = await run(c);
    const stored = Object.values(c.perArticle).reduce((a, b) => a + b, 0);
    expect(report.refused).toEqual([]);
    expect(report).toMatchObject<Partial<ImportReport>>({
      perArticle: c.perArticle,
      added: stored,
      alreadyThere: 0,
      pending: c.pending ?? 0,
      placeholders: c.placeholders ?? 0,
      orphans: c.orphans ?? 0,
      skippedBy: c.skippedBy ?? {},
      locked: c.locked ?? [],
    });
    expect(report.bans.map((ban) => ban.name)).toEqual(c.bans ?? []);
    expect(await database.db.comment.count()).toBe(stored);
    expect((await database.db.threadLock.findMany()).map((lock) => lock.articleSlug).sort()).toEqual(c.locked ?? []);
    expect((await database.db.block.findMany({ where: { kind: "name" } })).map((ban) => ban.value)).toEqual(
      c.bans ?? [],
    );

    // Formatted text, never a literal tag (a code span may show one: the comment said so). A
    // comment over the renderer's markup budget is shown as typed: only the theme data's
    // markup sampler (5,131 characters, held for review) is.
    const asTyped: string[] = [];
    for (const slug of c.slugs) {
      const page = await listComments(slug, { viewer: { ownIds: new Set(), admin: true } }, database.db);
      for (const comment of flatten(page.threads)) {
        const row = await database.db.comment.findUniqueOrThrow({ where: { id: comment.id } });
        if (markupCost(row.body) > MARKUP_BUDGET) asTyped.push(row.authorName);
        else expect(comment.html.replace(/<code>[^]*?<\/code>/g, "")).not.toMatch(LITERAL_TAG);
      }
    }
    expect(asTyped).toEqual(c.file.startsWith("themeunittestdata") ? ["John Γιάννης Doe Κάποιος"] : []);

    const again = await run(c);
    expect(again).toMatchObject({ added: 0, alreadyThere: stored, perArticle: c.perArticle });
    expect(await database.db.comment.count()).toBe(stored);
  });

  it.skipIf(skipReason)("an orphan stands alone, replying to whom it answered when the file names them", async () => {
    await wipe();
    await run(CASES.find((c) => c.file === "remark42-wordpress.xml")!);
    const page = await listComments("do-you-rp", {}, database.db);
    expect(page.threads.map((c) => [c.authorName, c.replyToName, c.replies.length])).toEqual([
      ["SuperUser1", null, 0],
      ["SuperUser3", "Wednesday Reading « Cynwise's Battlefield Manual", 0],
    ]);

    await wipe();
    await run(CASES.find((c) => c.file === "remark42-backup.jsonl")!);
    const orphan = await database.db.comment.findFirstOrThrow({ where: { articleSlug: "radio-t-2" } });
    expect(orphan).toMatchObject({ parentId: null, depth: 1, replyToName: null, body: "some text2" });
  });

  it.skipIf(skipReason)("Isso's Disqus HTML comes in as markdown, its markdown as written", async () => {
    await wipe();
    await run(CASES.find((c) => c.file === "isso-comments.db")!);
    const bodies = (await database.db.comment.findMany({ select: { body: true } })).map((c) => c.body);
    expect(bodies.filter((body) => body.includes("Hello, World."))).toEqual(["Hello, World.", "Hello, World."]);
    expect(bodies).toContain("When you have a comment with multiple lines:  \nWordPress exports it like this.");
    expect(bodies.some((body) => /<\/?p>/.test(body))).toBe(false);
  });
});
