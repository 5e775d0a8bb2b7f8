import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { SourceRecord } from "@/lib/comments/import/source";
import { readWordpress } from "@/lib/comments/import/wordpress";

// Only readers' comments leave a WordPress export: what each comment_type and comment_approved
// becomes, what a closed post and a post's slug say, and ids that repeat across posts.

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "marginalia-wxr-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

type Comment = { id: number; type?: string; approved?: string; parent?: number; author?: string };

const comment = ({ id, type = "", approved = "1", parent = 0, author = `Reader ${id}` }: Comment) => `
    <wp:comment>
      <wp:comment_id>${id}</wp:comment_id>
      <wp:comment_author><![CDATA[${author}]]></wp:comment_author>
      <wp:comment_date_gmt>2025-11-20 10:00:00</wp:comment_date_gmt>
      <wp:comment_content><![CDATA[Comment ${id}]]></wp:comment_content>
      <wp:comment_approved>${approved}</wp:comment_approved>
      <wp:comment_type><![CDATA[${type}]]></wp:comment_type>
      <wp:comment_parent>${parent}</wp:comment_parent>
    </wp:comment>`;

const item = (post: { id: number; name: string; type?: string; status?: string }, comments: Comment[]) => `
  <item>
    <link>https://blog.example/?p=${post.id}</link>
    <wp:post_id>${post.id}</wp:post_id>
    <wp:comment_status><![CDATA[${post.status ?? "open"}]]></wp:comment_status>
    <wp:post_name><![CDATA[${post.name}]]></wp:post_name>
    <wp:post_type><![CDATA[${post.type ?? "post"}]]></wp:post_type>${comments.map(comment).join("")}
  </item>`;

async function read(items: string[]): Promise<SourceRecord[]> {
  const file = path.join(tmp, `${Math.random().toString(36).slice(2)}.xml`);
  fs.writeFileSync(
    file,
    `<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"><channel>${items.join("")}\n</channel></rss>\n`,
  );
  const records: SourceRecord[] = [];
  for await (const record of readWordpress(file)) records.push(record);
  return records;
}

const summary = (record: SourceRecord) =>
  record.kind === "comment"
    ? `${record.id}: ${record.state}`
    : record.kind === "skip"
      ? `${record.id}: skipped ${record.reason}`
      : record.kind === "thread"
        ? `locked ${record.slug}`
        : record.kind;

describe("WordPress comments", () => {
  it("keeps readers' comments; pingbacks, trackbacks, notes and other types never become comments", async () => {
    const records = await read([
      item({ id: 1, name: "hello" }, [
        { id: 10 },
        { id: 11, type: "comment" },
        { id: 12, type: "pingback" },
        { id: 13, type: "trackback" },
        { id: 14, type: "note", approved: "0" },
        { id: 15, type: "note", parent: 14, approved: "0" },
        { id: 16, type: "review" },
      ]),
    ]);
    expect(records.map(summary)).toEqual([
      "10: published",
      "11: published",
      "12: skipped ping",
      "13: skipped ping",
      "14: skipped note",
      "15: skipped note",
      "16: skipped type",
    ]);
  });

  it("skips spam, keeps trash only as a deleted comment, brings unapproved ones in pending", async () => {
    const records = await read([
      item({ id: 1, name: "hello" }, [
        { id: 20, approved: "0" },
        { id: 21, approved: "spam" },
        { id: 22, approved: "trash" },
        { id: 23, approved: "post-trashed" },
        { id: 24, approved: "maybe" },
      ]),
    ]);
    expect(records.map(summary)).toEqual([
      "20: pending",
      "21: skipped spam",
      "22: deleted",
      "23: deleted",
      "24: skipped invalid",
    ]);
  });

  it("gives each comment its post's slug, locks a post closed to comments, passes over attachments", async () => {
    const records = await read([
      item({ id: 1, name: "hello", status: "closed" }, [{ id: 30 }]),
      item({ id: 2, name: "logo", type: "attachment" }, [{ id: 31 }]),
    ]);
    expect(records.map(summary)).toEqual(["30: published", "locked hello", "31: skipped no-article"]);
    expect(records[0]).toMatchObject({ threadUrl: "https://blog.example/?p=1", slug: "hello" });
  });

  it("tells apart an id repeated in another post, replies included, the same way every time", async () => {
    const posts = [
      item({ id: 1, name: "one" }, [{ id: 40 }, { id: 41, parent: 40 }]),
      item({ id: 2, name: "two" }, [{ id: 40 }, { id: 42, parent: 40 }]),
    ];
    const records = await read(posts);
    expect(records.map((r) => (r.kind === "comment" ? [r.id, r.parentId] : r.kind))).toEqual([
      ["40", null],
      ["41", "40"],
      ["40@2", null],
      ["42", "40@2"],
    ]);
    expect((await read(posts)).map((r) => r.kind === "comment" && r.id)).toEqual(
      records.map((r) => r.kind === "comment" && r.id),
    );
  });

  it("shows names as WordPress pages do, entities decoded", async () => {
    const [record] = await read([
      item({ id: 1, name: "hello" }, [{ id: 50, author: "Ping 1 &laquo; What&#8217;s a tellyworth? &amp; co" }]),
    ]);
    expect(record).toMatchObject({ authorName: "Ping 1 « What’s a tellyworth? & co" });
  });
});
