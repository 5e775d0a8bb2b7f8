import { describe, expect, it } from "vitest";
import { createComment, listComments } from "@/lib/comments/store";
import { describeImported, importComments } from "@/lib/comments/backup";
import { describeImportProblem } from "@/lib/comments/export-schema";
import { providers, withDatabase } from "../support/databases";

// An import writes straight into what every reader sees: each record passes the rules of a new
// comment, and one bad record refuses the whole file.

const NOW = new Date("2026-06-01T12:00:00Z");
const HOSTILE_ID = `x"><img src=x onerror=alert(1)>`;

type ExportRow = {
  id: string;
  articleSlug: string;
  parentId: string | null;
  rootId: string;
  depth: number;
  replyToName: string | null;
  authorName: string;
  body: string;
  status: string;
  createdAt: string;
  editedAt: string | null;
  deletedAt: string | null;
};

describe.each(providers)("importing comments on %s", (_name, open, skipReason) => {
  const database = withDatabase(open, skipReason);
  let article = 0;
  let serial = 0;
  const nextSlug = () => `import-${++article}`;

  /** A valid thread on a fresh article: a comment, a reply and a reply to that, with a 👍. */
  function thread(slug = nextSlug()) {
    const id = () => `imp-${++serial}-${Math.random().toString(36).slice(2, 8)}`;
    const base = (changes: Partial<ExportRow>): ExportRow => ({
      id: id(),
      articleSlug: slug,
      parentId: null,
      rootId: "",
      depth: 1,
      replyToName: null,
      authorName: "Ada",
      body: "A *fine* comment",
      status: "published",
      createdAt: "2026-05-01T10:00:00.000Z",
      editedAt: null,
      deletedAt: null,
      ...changes,
    });
    const root = base({});
    root.rootId = root.id;
    const reply = base({
      parentId: root.id,
      rootId: root.id,
      depth: 2,
      authorName: "Grace",
      createdAt: "2026-05-01T11:00:00.000Z",
    });
    const deep = base({
      parentId: reply.id,
      rootId: root.id,
      depth: 3,
      authorName: "Linus",
      replyToName: "Grace",
      createdAt: "2026-05-01T12:00:00.000Z",
    });
    return {
      slug,
      root,
      reply,
      deep,
      file: (
        comments: ExportRow[] = [root, reply, deep],
        reactions = [
          { commentId: root.id, voterId: "0b7c8a3e-5f1d-4c2a-9e8b-7d6f5e4c3b2a", createdAt: "2026-05-02T00:00:00Z" },
        ],
      ) => ({
        format: "marginalia-comments",
        version: 1,
        exportedAt: "2026-05-03T00:00:00.000Z",
        comments,
        reactions,
      }),
    };
  }

  const matches = (message: string | RegExp) =>
    typeof message === "string" ? message : expect.stringMatching(message);
  const stored = (slug: string) => database.db.comment.count({ where: { articleSlug: slug } });

  describe.skipIf(skipReason)("a valid file", () => {
    it("is stored whole: threads, a reaction, a deleted comment's place, ids of the first version (cuid)", async () => {
      const t = thread();
      const gone = {
        ...t.reply,
        id: "clh3am8wh0000qzrmn831i7rn",
        authorName: "",
        body: "",
        deletedAt: "2026-05-01T11:30:00Z",
      };
      const under = { ...t.deep, parentId: gone.id };
      const file = t.file([t.root, gone, under]);
      const result = await importComments(file, database.db, NOW);
      expect(result).toEqual({ kind: "imported", comments: 3, reactions: 1, added: 3, alreadyThere: 0 });
      // The same file again: nothing new, and it says so as the other systems' imports do.
      const again = await importComments(file, database.db, NOW);
      expect(again).toEqual({ kind: "imported", comments: 3, reactions: 1, added: 0, alreadyThere: 3 });
      if (again.kind === "imported") expect(describeImported(again)).toContain("0 new, 3 already there");
      const page = await listComments(t.slug, {}, database.db);
      expect(page.threads[0]).toMatchObject({
        authorName: "Ada",
        reactions: 1,
        replies: [{ placeholder: "deleted", replies: [{ authorName: "Linus", replyToName: "Grace" }] }],
      });
    });

    it("cleans names and bodies as a new comment's are, and takes dates with an offset or a little ahead", async () => {
      const t = thread();
      const root = {
        ...t.root,
        authorName: "  Ada\u0000 \uFFFE\u200B",
        body: "Hello\uFFFF\r\nthere\u202E ",
        createdAt: "2026-06-01T14:03:00+02:00",
      };
      expect(await importComments(t.file([root], []), database.db, NOW)).toMatchObject({ kind: "imported" });
      const row = await database.db.comment.findUniqueOrThrow({ where: { id: root.id } });
      expect(row).toMatchObject({
        authorName: "Ada",
        body: "Hello\nthere",
        createdAt: new Date("2026-06-01T12:03:00Z"),
      });
    });

    it("may hang replies and reactions under comments already in the database", async () => {
      const slug = nextSlug();
      const parent = await createComment(
        { slug, name: "Stored", body: "Already here", status: "published" },
        database.db,
        new Date("2026-05-01T09:00:00Z"),
      );
      if (parent.kind !== "created") throw new Error(parent.kind);
      const t = thread(slug);
      const reply = { ...t.reply, parentId: parent.id, rootId: parent.id };
      const result = await importComments(
        t.file([reply], [{ commentId: parent.id, voterId: "voter_1", createdAt: "2026-05-02T00:00:00Z" }]),
        database.db,
        NOW,
      );
      expect(result).toEqual({ kind: "imported", comments: 1, reactions: 1, added: 1, alreadyThere: 0 });
      expect((await listComments(slug, {}, database.db)).threads[0]).toMatchObject({
        authorName: "Stored",
        reactions: 1,
        replies: [{ authorName: "Grace" }],
      });
    });
  });

  describe.skipIf(skipReason)("a file with one bad record", () => {
    const future = new Date(NOW.getTime() + 60 * 60_000).toISOString();
    type T = ReturnType<typeof thread>;
    // [what is wrong, the file's comments, the field named, the record's index, its message]
    const cases: Array<[string, (t: T) => ExportRow[], string, number, string | RegExp]> = [
      ["an id with markup", (t) => [{ ...t.root, id: HOSTILE_ID, rootId: HOSTILE_ID }], "id", 0, /letters, digits/],
      [
        "an id of 65 characters",
        (t) => [{ ...t.root, id: "a".repeat(65), rootId: "a".repeat(65) }],
        "id",
        0,
        /letters, digits/,
      ],
      ["an empty id", (t) => [{ ...t.root, id: "", rootId: "" }], "id", 0, /letters, digits/],
      [
        "a parentId with markup",
        (t) => [t.root, { ...t.reply, parentId: HOSTILE_ID }],
        "parentId",
        1,
        /letters, digits/,
      ],
      [
        "a name too long",
        (t) => [{ ...t.root, authorName: "n".repeat(81) }],
        "authorName",
        0,
        "Your name can be at most 80 characters.",
      ],
      [
        "an invisible name",
        (t) => [{ ...t.root, authorName: "\u200B\u3164\u200D" }],
        "authorName",
        0,
        "Please enter your name.",
      ],
      ["an empty body", (t) => [{ ...t.root, body: " \n" }], "body", 0, "Please write a comment."],
      [
        "a body too long",
        (t) => [{ ...t.root, body: "b".repeat(5_001) }],
        "body",
        0,
        "Your comment can be at most 5,000 characters.",
      ],
      [
        "a body with six links",
        (t) => [{ ...t.root, body: [1, 2, 3, 4, 5, 6].map((n) => `https://e${n}.example`).join(" ") }],
        "body",
        0,
        "A comment can hold at most 5 links.",
      ],
      [
        "a deleted comment that kept its text",
        (t) => [{ ...t.root, deletedAt: "2026-05-02T00:00:00Z" }],
        "authorName",
        0,
        "must be empty for a deleted comment",
      ],
      [
        "a replyToName with markup beyond the limit",
        (t) => [t.root, t.reply, { ...t.deep, replyToName: "<b>".repeat(30) }],
        "replyToName",
        2,
        "Your name can be at most 80 characters.",
      ],
      [
        "a replyToName above the deepest level",
        (t) => [t.root, { ...t.reply, replyToName: "Ada" }],
        "replyToName",
        1,
        "is only set at depth 3",
      ],
      ["an unknown status", (t) => [{ ...t.root, status: "spam" }], "status", 0, /published/],
      ["a depth of 4", (t) => [t.root, t.reply, { ...t.deep, depth: 4 }], "depth", 2, /<=3/],
      [
        "a reply one level too deep",
        (t) => [t.root, { ...t.reply, depth: 3 }],
        "depth",
        1,
        "must be one more than its parent's (1)",
      ],
      [
        "a reply without a parent",
        (t) => [t.root, { ...t.reply, parentId: null }],
        "parentId",
        1,
        "is missing for a reply",
      ],
      [
        "a thread's first comment with a parent",
        (t) => [t.root, { ...t.reply, depth: 1 }],
        "parentId",
        1,
        "must be null at depth 1",
      ],
      [
        "a thread's first comment in another thread",
        (t) => [{ ...t.root, rootId: "elsewhere" }],
        "rootId",
        0,
        "must be the comment's own id at depth 1",
      ],
      [
        "a reply in another thread than its parent's",
        (t) => [t.root, t.reply, { ...t.deep, rootId: t.reply.id }],
        "rootId",
        2,
        "must be its parent's thread",
      ],
      [
        "a parent nowhere",
        (t) => [t.root, { ...t.reply, parentId: "no-such-comment" }],
        "parentId",
        1,
        "names no comment in the file or the database",
      ],
      [
        "a parent on another article",
        (t) => [t.root, { ...t.reply, articleSlug: "another-article" }],
        "parentId",
        1,
        "names a comment on another article",
      ],
      [
        "an article slug that is a path",
        (t) => [{ ...t.root, articleSlug: "../admin" }],
        "articleSlug",
        0,
        "must be an article's slug",
      ],
      ["an id twice", (t) => [t.root, { ...t.root }], "id", 1, "appears twice in the file"],
      [
        "a date that is not one",
        (t) => [{ ...t.root, createdAt: "yesterday" }],
        "createdAt",
        0,
        "must be an ISO 8601 date and time",
      ],
      [
        "the 30th of February",
        (t) => [{ ...t.root, createdAt: "2026-02-30T10:00:00Z" }],
        "createdAt",
        0,
        "must be an ISO 8601 date and time",
      ],
      ["a date an hour ahead", (t) => [{ ...t.root, createdAt: future }], "createdAt", 0, "is in the future"],
      [
        "an edit before the comment",
        (t) => [{ ...t.root, editedAt: "2026-04-30T10:00:00Z" }],
        "editedAt",
        0,
        "is before createdAt",
      ],
      [
        "a deletion before the comment",
        (t) => [t.root, { ...t.reply, authorName: "", body: "", deletedAt: "2026-05-01T10:59:59Z" }, t.deep],
        "deletedAt",
        1,
        "is before createdAt",
      ],
      ["an edit in the future", (t) => [{ ...t.root, editedAt: future }], "editedAt", 0, "is in the future"],
    ];

    it.each(cases)(
      "%s is refused, naming the record and the field, and nothing is stored",
      async (_label, comments, field, index, message) => {
        const t = thread();
        const records = comments(t);
        const result = await importComments(t.file(records, []), database.db, NOW);
        expect(result).toEqual({
          kind: "refused",
          problem: { record: `comments[${index}]`, id: records[index].id, field, message: matches(message) },
        });
        expect(await stored(t.slug)).toBe(0);
      },
    );

    it.each([
      [
        "a comment nowhere",
        { commentId: "no-such-comment" },
        "commentId",
        "names no comment in the file or the database",
      ],
      ["a voter id with markup", { voterId: HOSTILE_ID }, "voterId", /letters, digits/],
      ["a date in the future", { createdAt: future }, "createdAt", "is in the future"],
    ])("a reaction on %s is refused, and nothing is stored", async (_label, change, field, message) => {
      const t = thread();
      const reaction = { commentId: t.root.id, voterId: "voter-1", createdAt: "2026-05-02T00:00:00Z", ...change };
      const result = await importComments(t.file([t.root, t.reply, t.deep], [reaction]), database.db, NOW);
      expect(result).toEqual({
        kind: "refused",
        problem: { record: "reactions[0]", id: reaction.commentId, field, message: matches(message) },
      });
      expect(await stored(t.slug)).toBe(0);
    });

    it("refuses to move a stored comment to another article or thread, and leaves it where it was", async () => {
      const t = thread();
      expect(await importComments(t.file([t.root]), database.db, NOW)).toMatchObject({ kind: "imported" });
      const moved = { ...t.root, articleSlug: nextSlug(), body: "Changed" };
      const result = await importComments(t.file([moved], []), database.db, NOW);
      expect(result).toMatchObject({
        kind: "refused",
        problem: { record: "comments[0]", field: "articleSlug", message: expect.stringContaining("cannot move") },
      });
      expect(await database.db.comment.findUniqueOrThrow({ where: { id: t.root.id } })).toMatchObject({
        articleSlug: t.slug,
        body: "A *fine* comment",
      });
    });

    it("names the problem for the admin page, with the id shortened and quoted", () => {
      expect(
        describeImportProblem({
          record: "comments[3]",
          id: HOSTILE_ID.repeat(3),
          field: "id",
          message: "must be 1 to 64 letters, digits, - or _",
        }),
      ).toBe(
        `comments[3] (id ${JSON.stringify(`${HOSTILE_ID.repeat(3).slice(0, 40)}…`)}), id: must be 1 to 64 letters, digits, - or _`,
      );
    });

    it("refuses what is not an export at all", async () => {
      expect(await importComments([], database.db, NOW)).toMatchObject({
        kind: "refused",
        problem: { record: "file" },
      });
      expect(await importComments({ ...thread().file(), format: "other" }, database.db, NOW)).toMatchObject({
        kind: "refused",
        problem: { record: "file", field: "format" },
      });
    });
  });
});
