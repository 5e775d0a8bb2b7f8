import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { flagsIn } from "@/lib/comments/flags";
import { listComments, type CommentView } from "@/lib/comments/store";
import { t } from "@/lib/i18n";
import { parseMap } from "@/lib/comments/import/paths";
import { importFile, type ImportOptions } from "@/lib/comments/import/run";
import { MAX_RECORD_DEPTH, type ImportFormat } from "@/lib/comments/import/source";
import { formatReport } from "@/lib/comments/import/report";
import { providers, withDatabase } from "../support/databases";
import { articlePath } from "@/lib/routes";
import { englishList } from "../support/import-said";

const FIXTURES = path.resolve(import.meta.dirname, "../fixtures/import");
const SLUG = "monolith-vs-microservices";
const slugs = new Set([SLUG, "another-article"]);
const now = new Date("2026-01-01T00:00:00Z");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "marginalia-import-"));

function issoFile(): string {
  const file = path.join(tmp, `isso-${Math.random().toString(36).slice(2)}.db`);
  const db = new Database(file);
  db.exec(fs.readFileSync(path.join(FIXTURES, "isso.sql"), "utf8"));
  db.close();
  return file;
}
function write(name: string, text: string | Buffer): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, text);
  return file;
}

/** Names in the discussion as a reader sees it, nested; pending ones marked. */
function shape(threads: CommentView[]): unknown[] {
  return threads.map((c) => {
    const label = c.placeholder ? `[${c.placeholder}]` : `${c.authorName}${c.replyToName ? `→${c.replyToName}` : ""}`;
    return c.replies.length ? [label, shape(c.replies)] : label;
  });
}

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe.each(providers)("importers on %s", (_name, open, skipReason) => {
  const database = withDatabase(open, skipReason);
  const run = (format: ImportFormat, file: string, more: Partial<ImportOptions> = {}) =>
    importFile({ format, file, slugs, now, ...more }, database.db);
  const wipe = async () => {
    for (const depth of [3, 2, 1]) await database.db.comment.deleteMany({ where: { depth } });
  };

  describe.skipIf(skipReason)("Disqus", () => {
    it("dry run reports per article, unmatched URLs and what it skips, and writes nothing", async () => {
      await wipe();
      const report = await run("disqus", path.join(FIXTURES, "disqus.xml"), { dryRun: true });
      expect(report.refused).toEqual([]);
      expect(report.perArticle).toEqual({ [SLUG]: 6 });
      expect(report.unmatched).toEqual({ "https://old.example.com/2013/05/a-post-that-is-gone.html": 1 });
      expect(report.skippedBy).toEqual({ spam: 1, deleted: 1, "no-article": 1 });
      expect(report.placeholders).toBe(1);
      expect(report).toMatchObject({ added: 6, alreadyThere: 0 }); // what it would add
      expect(await database.db.comment.count()).toBe(0);
    });

    it("imports threads, nesting, dates and states; a second import adds nothing", async () => {
      await wipe();
      const first = await run("disqus", path.join(FIXTURES, "disqus.xml"));
      expect(first.added).toBe(6);
      const page = await listComments(SLUG, {}, database.db);
      expect(shape(page.threads)).toEqual([
        ["Ada Lovelace", [["Grace Hopper", ["Linus", "Barbara→Linus"]]]],
        ["[deleted]", ["Ada Lovelace"]],
      ]);
      const first3001 = page.threads[0];
      expect(first3001.createdAt.toISOString()).toBe("2014-03-02T10:00:00.000Z");
      expect(first3001.html).toContain(
        '<a href="https://martinfowler.com/bliki/MonolithFirst.html" rel="nofollow ugc">Monolith First</a>',
      );
      const linus = first3001.replies[0].replies[0];
      expect(linus.html).not.toContain("<script");
      expect(linus.html).not.toContain("<img");
      expect(first3001.replies[0].html).toContain("café 😀 <em>emphasis</em>");
      // Spam in Disqus never comes in.
      expect(await database.db.comment.count({ where: { authorName: "Spammer" } })).toBe(0);

      const again = await run("disqus", path.join(FIXTURES, "disqus.xml"));
      expect(again.added).toBe(0);
      expect(again.alreadyThere).toBe(6);
      expect(formatReport(again)).toContain("Added: 0 new, 6 already there");
      expect(await database.db.comment.count()).toBe(6);
    });

    it("skips a damaged record naming it and its field, keeps its replies; --strict refuses the file", async () => {
      await wipe();
      const text = fs.readFileSync(path.join(FIXTURES, "disqus.xml"), "utf8");
      const badDate = write("bad-date.xml", text.replace("2014-03-02T11:00:00Z", "yesterday"));
      const strict = await run("disqus", badDate, { strict: true });
      expect(englishList(strict.refused)).toEqual([
        {
          record: expect.stringContaining('post dsq:id="3002"'),
          field: "date",
          reason: expect.stringContaining("yesterday"),
        },
      ]);
      expect(strict.added).toBe(0);
      expect(await database.db.comment.count()).toBe(0);

      const lenient = await run("disqus", badDate);
      expect(lenient.refused).toEqual([]);
      expect(englishList(lenient.skipped)).toEqual([
        {
          record: expect.stringContaining('post dsq:id="3002"'),
          field: "date",
          reason: expect.stringContaining("yesterday"),
        },
      ]);
      // Linus answered the skipped comment: he stands alone, replying to its author.
      expect(shape((await listComments(SLUG, {}, database.db)).threads)).toEqual([
        "Ada Lovelace",
        ["Linus→Grace Hopper", ["Barbara"]],
        ["[deleted]", ["Ada Lovelace"]],
      ]);
      expect(lenient).toMatchObject({ added: 5, orphans: 1 });

      await wipe();
      const orphan = write("orphan.xml", text.replace('<parent dsq:id="3001" />', '<parent dsq:id="9999" />'));
      expect(englishList((await run("disqus", orphan, { strict: true })).refused)![0]).toMatchObject({
        field: "parent",
        reason: expect.stringContaining("9999"),
      });
      expect(englishList((await run("disqus", orphan)).kept)).toEqual([
        { record: expect.stringContaining('dsq:id="3002"'), field: "parent", reason: expect.stringContaining("9999") },
      ]);
      await wipe();
      const truncated = write("truncated.xml", text.slice(0, text.length / 2));
      expect((await run("disqus", truncated)).refused[0]).toMatchObject({ field: "xml" });
      expect(await database.db.comment.count()).toBe(0);
    });

    it("skips a post nested past MAX_RECORD_DEPTH, naming its line, and imports the rest", async () => {
      await wipe();
      const text = fs.readFileSync(path.join(FIXTURES, "disqus.xml"), "utf8");
      const at = text.indexOf('  <post dsq:id="3001">');
      const line = text.slice(0, at).split("\n").length;
      const nested = "<div>".repeat(MAX_RECORD_DEPTH + 1) + "</div>".repeat(MAX_RECORD_DEPTH + 1);
      const deep = `  <post dsq:id="3999"><message>deep</message><createdAt>2014-03-02T10:00:00Z</createdAt><thread dsq:id="2001" />${nested}</post>\n`;
      const report = await run("disqus", write("deep.xml", text.slice(0, at) + deep + text.slice(at)));
      expect(report.refused).toEqual([]);
      expect(englishList(report.skipped)).toEqual([
        { record: `post dsq:id="3999" (line ${line})`, reason: expect.stringContaining(`${MAX_RECORD_DEPTH} deep`) },
      ]);
      expect(report.skippedBy["too-deep"]).toBe(1);
      expect(formatReport(report)).toContain(`post dsq:id="3999" (line ${line})`);
      expect(report.added).toBe(6);
      expect(await database.db.comment.count()).toBe(6);
    });
  });

  describe.skipIf(skipReason)("WordPress", () => {
    it("reads ISO-8859-1, finds the article by its slug, keeps author URLs, skips pingbacks and spam", async () => {
      await wipe();
      const file = path.join(FIXTURES, "wordpress.xml");
      // <wp:post_name> names the article: no map needed.
      const found = await run("wordpress", file, { dryRun: true });
      expect(found.unmatched).toEqual({});
      expect(found.perArticle).toEqual({ [SLUG]: 3 });
      // The file has a javascript: author URL: with --strict it refuses the file, naming it.
      expect((await run("wordpress", file, { dryRun: true, strict: true })).refused[0]).toMatchObject({
        field: "authorUrl",
      });
      const report = await run("wordpress", file);
      expect(report.refused).toEqual([]);
      expect(englishList(report.kept)).toEqual([
        { record: expect.stringContaining('"42"'), field: "authorUrl", reason: expect.stringContaining("without it") },
      ]);
      expect(report.skippedBy).toEqual({ ping: 1, spam: 1, deleted: 1, "no-article": 1 });
      expect(report.added).toBe(3);
      const page = await listComments(SLUG, {}, database.db);
      expect(shape(page.threads)).toEqual([["Émile Zola", ["Ana"]]]);
      expect(page.threads[0].html).toBe(
        '<p>J\'accuse... the microservices!</p>\n<p>Second paragraph with <strong>bold</strong><br>\nand a line break, <a href="http://example.org/" rel="nofollow ugc">a link</a>.</p>',
      );
      const emile = await database.db.comment.findFirstOrThrow({ where: { authorName: "Émile Zola" } });
      expect(emile.authorUrl).toBe("http://zola.example.org/");
      expect(emile.createdAt.toISOString()).toBe("2015-03-02T10:30:00.000Z");
      expect((await database.db.comment.findFirstOrThrow({ where: { authorName: "Ana" } })).authorUrl).toBeNull();
      expect((await database.db.comment.findFirstOrThrow({ where: { authorName: "Waiting Walter" } })).status).toBe(
        "pending",
      );
      expect(await database.db.comment.count({ where: { authorName: "Cheap Pills" } })).toBe(0);
      // A map still wins over the slug.
      const mapped = await run("wordpress", file, { dryRun: true, maps: [parseMap("/2015/03/* -> /articles/*")] });
      expect(mapped.perArticle).toEqual({ [SLUG]: 3 });
    });
  });

  describe.skipIf(skipReason)("Remark42", () => {
    it("imports markdown as written, pins, nesting; over-long bodies are held for review", async () => {
      await wipe();
      const file = path.join(FIXTURES, "remark42.jsonl");
      const report = await run("remark42", file);
      expect(report.unmatched).toEqual({ "/posts/2018/old": 1 });
      expect(report.added).toBe(2);
      const ada = await database.db.comment.findFirstOrThrow({ where: { authorName: "Ada" } });
      expect(ada).toMatchObject({ body: "Hello from **Remark42** [site](https://remark42.com)", pinned: true });
      expect(ada.createdAt.toISOString()).toBe("2019-05-01T15:00:00.123Z");
      expect(shape((await listComments(SLUG, {}, database.db)).threads)).toEqual([["Ada", ["Bob"]]]);

      const long = `${fs.readFileSync(file, "utf8")}${JSON.stringify({ id: "r-5", pid: "", text: `<p>${"word ".repeat(1500)}</p>`, user: { name: "Long" }, locator: { url: articlePath(SLUG) }, time: "2019-06-01T00:00:00Z" })}\n`;
      const held = await run("remark42", write("long.jsonl", long));
      expect(held.added).toBe(1);
      const longOne = await database.db.comment.findFirstOrThrow({ where: { authorName: "Long" } });
      expect(longOne.status).toBe("pending");
      expect(flagsIn(t, longOne.flags)).toEqual(["Imported: longer than 5,000 characters"]);
      const broken = write("broken.jsonl", long.replace('"time":"2019-05-01T11:00:00Z"', '"time":5'));
      expect(englishList((await run("remark42", broken, { strict: true })).refused)![0]).toMatchObject({
        record: 'comment id="r-2" (line 3)',
        field: "time",
      });
      expect(englishList((await run("remark42", broken, { dryRun: true })).skipped)![0]).toMatchObject({
        record: 'comment id="r-2" (line 3)',
        field: "time",
      });
    });
  });

  describe.skipIf(skipReason)("Isso", () => {
    it("imports from its SQLite database with states and website", async () => {
      await wipe();
      const report = await run("isso", issoFile());
      expect(report.refused).toEqual([]);
      expect(report.perArticle).toEqual({ [SLUG]: 6 });
      expect(shape((await listComments(SLUG, {}, database.db)).threads)).toEqual([
        ["Ida", ["Anonymous", ["[deleted]", ["Quinn"]]]],
        "Rae",
      ]);
      expect(await database.db.comment.findFirstOrThrow({ where: { authorName: "Pat" } })).toMatchObject({
        status: "pending",
      });
      expect(await database.db.comment.findFirstOrThrow({ where: { authorName: "Ida" } })).toMatchObject({
        authorUrl: "https://ida.example/",
        body: "Isso *markdown* is kept as written.",
      });
      expect((await run("isso", issoFile())).added).toBe(0);
      const notIsso = await run("isso", write("not-isso.db", "hello"));
      expect(notIsso.refused[0]).toMatchObject({ field: "database" });
    });
  });
});
