// What a fediverse reply becomes, read from real Mastodon JSON (tests/fixtures/activitypub/,
// SOURCES.md says where each file comes from) by Fedify's vocabulary, then by lib/fediverse: the
// fields a comment keeps, its markdown, and what is refused. Then crafted input: a reply as large
// and as deeply nested as the inbox takes (256 KB) is read in at most 50 ms of CPU of this process
// (not wall clock), as tests/unit/pathological-input.test.ts measures the comment's own steps.
import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { CPU_MAX_MS, cpuMsAsync } from "../support/cpu";
import { Create, Delete, Note, Person } from "@fedify/fedify/vocab";
import { MAX_ACTIVITY_BYTES } from "@/lib/fediverse/lane";
import { isFediverseRequest } from "@/lib/fediverse/paths";
import { displayName, handleOf, NOTE_HTML_MAX, noteMarkdown, readNote } from "@/lib/fediverse/remote-note";
import { renderCommentForPage } from "@/lib/content/comment-markdown";

const fixture = (name: string) =>
  JSON.parse(fs.readFileSync(`tests/fixtures/activitypub/${name}`, "utf8")) as Record<string, unknown>;

const ARTICLE = "https://blog.example/articles/hello-world";

describe("real Mastodon JSON, read as a reply", () => {
  it("reads Mastodon's actor: its name, handle and avatar", async () => {
    const actor = await Person.fromJsonLd(fixture("mastodon-actor.json"));
    const note = await Note.fromJsonLd({ ...fixture("mastodon-note-object.json"), inReplyTo: ARTICLE });
    const reply = await readNote(note, actor);
    expect(reply).not.toBeNull();
    // Its display name is empty: the user name stands in.
    expect(displayName(reply!, 80)).toBe("foo");
    expect(handleOf(reply!)).toBe("@foo@ap.example.com");
    expect(reply!.actor.avatar).toBe("https://quitter.no/avatar/7477-300-20160211190340.png");
    expect(reply!.noteId).toBe("http://mastodon.example.org/users/admin/statuses/99541947525187367");
    expect(reply!.url).toBe("http://mastodon.example.org/@admin/99541947525187367");
    expect(noteMarkdown(reply!, [])).toBe("yeah.");
  });

  it("reads a Create with a content warning and a mention, and keeps the warning and the mention of someone else", async () => {
    const json = fixture("mastodon-post-activity.json");
    const create = await Create.fromJsonLd({ ...json, object: { ...(json.object as object), inReplyTo: ARTICLE } });
    const note = await create.getObject();
    expect(note).toBeInstanceOf(Note);
    expect(create.actorId?.href).toBe("http://mastodon.example.org/users/admin");
    const actor = await Person.fromJsonLd({
      ...fixture("mastodon-actor.json"),
      id: "http://mastodon.example.org/users/admin",
    });
    const reply = await readNote(note as Note, actor);
    expect(reply).toMatchObject({ inReplyTo: ARTICLE, summary: "cw" });
    const markdown = noteMarkdown(reply!, ["https://blog.example/fediverse/blog"]);
    expect(markdown).toBe("**CW: cw**\n\n[@lain](http://localtesting.pleroma.lol/users/lain)");
    expect(renderCommentForPage(markdown)).toContain('href="http://localtesting.pleroma.lol/users/lain"');
  });

  it("drops the mention of the site's own actor that opens a reply", async () => {
    const actor = await Person.fromJsonLd(fixture("mastodon-actor.json"));
    const note = await Note.fromJsonLd({
      ...fixture("mastodon-note-object.json"),
      inReplyTo: ARTICLE,
      content:
        '<p><span class="h-card"><a href="https://blog.example/fediverse/blog" class="u-url mention">@<span>blog</span></a></span> Thanks, <em>really</em>.</p>',
    });
    const reply = await readNote(note, actor);
    expect(noteMarkdown(reply!, ["https://blog.example/fediverse/blog"])).toBe("Thanks, *really*.");
  });

  it("reads Mastodon's Delete: the Tombstone's id names the reply", async () => {
    // This Delete (Mastodon 2.3's) names only its own extension context, not ActivityStreams': as
    // JSON-LD it says nothing, so it removes nothing. Mastodon has sent the ActivityStreams
    // context with every Delete since; with it, the same activity names the reply to remove.
    const old = fixture("mastodon-delete.json");
    expect((await Delete.fromJsonLd(old)).objectId).toBeNull();
    const remove = await Delete.fromJsonLd({
      ...old,
      "@context": ["https://www.w3.org/ns/activitystreams", ...(old["@context"] as object[])],
    });
    expect(remove.objectId?.href).toBe("http://mastodon.example.org/users/gargron/statuses/99620895606148759");
    expect(remove.actorId?.href).toBe("http://mastodon.example.org/users/gargron");
  });

  it("refuses what cannot be a reply kept here: no inReplyTo, a non-http URL, content past the bound", async () => {
    const actor = await Person.fromJsonLd(fixture("mastodon-actor.json"));
    const base = fixture("mastodon-note-object.json");
    expect(await readNote(await Note.fromJsonLd(base), actor)).toBeNull();
    expect(await readNote(await Note.fromJsonLd({ ...base, inReplyTo: "javascript:alert(1)" }), actor)).toBeNull();
    const huge = await Note.fromJsonLd({ ...base, inReplyTo: ARTICLE, content: "a".repeat(NOTE_HTML_MAX + 1) });
    expect(await readNote(huge, actor)).toBeNull();
  });
});

const fill = (unit: string, size: number) => unit.repeat(Math.ceil(size / unit.length)).slice(0, size);

describe("crafted input stays cheap", () => {
  const ARRAY_DEPTH = Math.floor(MAX_ACTIVITY_BYTES / 2) - 100;
  const bodies: Record<string, string> = {
    "deeply nested arrays": `{"type":"Note","tag":${"[".repeat(ARRAY_DEPTH)}${"]".repeat(ARRAY_DEPTH)}}`,
    "deeply nested objects": `{"type":"Note","x":${'{"a":'.repeat(40_000)}1${"}".repeat(40_000)}}`,
    "one huge string": `{"type":"Note","content":"${fill("a", MAX_ACTIVITY_BYTES - 40)}"}`,
  };

  for (const [name, body] of Object.entries(bodies)) {
    it(`parses a ${Math.round(body.length / 1024)} KB activity of ${name} in under ${CPU_MAX_MS} ms of CPU, or refuses it`, async () => {
      expect(body.length).toBeLessThanOrEqual(MAX_ACTIVITY_BYTES);
      const ms = await cpuMsAsync(async () => {
        let json: unknown;
        try {
          json = JSON.parse(body);
        } catch {
          return; // Too deep for JSON.parse: refused as it would be in the inbox.
        }
        await Note.fromJsonLd(json).catch(() => null);
      });
      expect(ms).toBeLessThan(CPU_MAX_MS);
    });
  }

  const HTML: Record<string, string> = {
    "nested blockquotes": fill("<blockquote>", NOTE_HTML_MAX),
    "unclosed tags": fill("<b><i>", NOTE_HTML_MAX),
    "mention-like links": fill('<a href="https://blog.example/fediverse/blog">@blog</a>', NOTE_HTML_MAX),
    entities: fill("&amp;&#x3C;", NOTE_HTML_MAX),
    "one long word": fill("a", NOTE_HTML_MAX),
  };
  for (const [name, html] of Object.entries(HTML)) {
    it(`turns ${NOTE_HTML_MAX / 1000} KB of ${name} into comment markdown in under ${CPU_MAX_MS} ms of CPU`, async () => {
      const ms = await cpuMsAsync(() =>
        noteMarkdown({ html, summary: fill("*", 500) }, ["https://blog.example/fediverse/blog"]),
      );
      expect(ms).toBeLessThan(CPU_MAX_MS);
    });
  }

  it(`tells a fediverse request from a page's in under ${CPU_MAX_MS} ms, however long its URL and Accept`, async () => {
    const url = `/articles/${fill("a", 100_000)}`;
    const accept = fill("application/activity", 100_000);
    const ms = await cpuMsAsync(() => isFediverseRequest("GET", url, accept));
    expect(ms).toBeLessThan(CPU_MAX_MS);
  });
});
