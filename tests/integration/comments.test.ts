import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createComment, listCommentsForArticle } from "@/lib/comments";
import { createDb } from "@/lib/db";
import { providers, type TestDatabase } from "../support/databases";

describe.each(providers)("comment store on %s", (_name, open, skipReason) => {
  let database: TestDatabase;
  beforeAll(async () => {
    if (!skipReason) database = await open();
  });
  afterAll(async () => {
    await database?.drop();
  });

  it.skipIf(skipReason)("starts empty and lists an article's comments oldest first", async () => {
    const { db } = database;
    expect(await listCommentsForArticle("first-article", db)).toEqual([]);

    const first = await createComment("first-article", { name: "Ada", body: "First!" }, db);
    const second = await createComment("first-article", { name: "Grace", body: "Line one\nLine two" }, db);
    await createComment("another-article", { name: "Linus", body: "Elsewhere" }, db);

    const listed = await listCommentsForArticle("first-article", db);
    expect(listed.map((c) => c.id)).toEqual([first.id, second.id]);
    expect(listed[1]).toMatchObject({ authorName: "Grace", body: "Line one\nLine two" });
    expect(listed[0].createdAt).toBeInstanceOf(Date);
    expect(listed[0].createdAt.getTime()).toBeLessThanOrEqual(listed[1].createdAt.getTime());
  });

  it.skipIf(skipReason)("keeps text exactly as given, markup and all", async () => {
    const body = `<img src=x onerror=alert(1)> 'quotes' "double" ünïcødé 😀 \\ %`;
    const stored = await createComment("text-article", { name: "Eve <b>", body }, database.db);
    const [listed] = await listCommentsForArticle("text-article", database.db);
    expect(listed).toEqual(stored);
    expect(listed.body).toBe(body);
    expect(listed.authorName).toBe("Eve <b>");
  });

  it.skipIf(skipReason)("is still there through a new connection, as after a server restart", async () => {
    await createComment("restart-article", { name: "Ada", body: "Survives" }, database.db);
    const reopened = createDb(database.url);
    try {
      expect((await listCommentsForArticle("restart-article", reopened)).map((c) => c.body)).toEqual(["Survives"]);
    } finally {
      await reopened.$disconnect();
    }
  });
});

describe("an unreachable database", () => {
  it("fails the read with an error the page can catch", async () => {
    const db = createDb("postgres://postgres@127.0.0.1:1/nowhere");
    await expect(listCommentsForArticle("any", db)).rejects.toThrow();
    await db.$disconnect();
  });
});
