import { XMLParser, XMLValidator } from "fast-xml-parser";
import { expect, QUICK, test, type APIRequestContext } from "./support/test";
import Database from "better-sqlite3";
import { E2E_PORT, e2eEnv, freshSqlite, SERVER_SETUP_MS, startServer } from "./support/servers";

const API = "/api/articles/monolith-vs-microservices/comments";
const headers = { "x-forwarded-for": "198.51.100.77" };

test(`a script reads the discussion as JSON and is told 429 with Retry-After when posting too fast, refused posts counted${QUICK}`, async ({
  request,
}) => {
  const listing = await request.get(API, { headers });
  expect(listing.status()).toBe(200);
  expect(Array.isArray((await listing.json()).comments)).toBe(true);

  const token = async () => (await (await request.get(API, { headers })).json()).token as string;
  const post = async (body: string, reuse?: string) =>
    request.post(API, { headers, data: { name: "Script", body, token: reuse ?? (await token()) } });
  // A refused post takes its place under the limit (5 a minute) too.
  expect((await post("")).status()).toBe(400);
  const once = await token();
  const first = await post(`API comment 1 ${Math.random()}`, once);
  expect(first.status()).toBe(201);
  // A retry with the same token is answered with the same comment, not a second one.
  const retry = await post("API comment 1 again", once);
  expect(retry.status()).toBe(200);
  expect((await retry.json()).id).toBe((await first.json()).id);
  for (let i = 2; i <= 4; i++) expect((await post(`API comment ${i} ${Math.random()}`)).status()).toBe(201);
  const refused = await post("One more");
  expect(refused.status()).toBe(429);
  expect(Number(refused.headers()["retry-after"])).toBeGreaterThan(0);
  expect((await refused.json()).error).toMatch(/Try again in \d+ (seconds?|minutes?)\./);
});

test(`an oversized post is refused with 413 before it is read${QUICK}`, async ({ request }) => {
  const response = await request.post(API, { headers, data: { name: "Big", body: "x".repeat(70_000), token: "t" } });
  expect(response.status()).toBe(413);
});

test(`an unknown article is a 404${QUICK}`, async ({ request }) => {
  expect((await request.get("/api/articles/no-such-article/comments")).status()).toBe(404);
});

test.describe("what a script sends", () => {
  // An address of its own: the first test above uses up its address's comments for the minute.
  const client = { "x-forwarded-for": "198.51.100.78" };
  const token = async (request: APIRequestContext) =>
    (await (await request.get(API, { headers: client })).json()).token as string;

  test(`characters XML forbids are dropped, and the comment feed still parses and carries the comment${QUICK}`, async ({
    request,
  }) => {
    const text = `Feed-safe ${Math.random().toString(36).slice(2, 8)}`;
    const name = "Eve\uFFFE\uFFFF\u0001 \uD800Bad";
    const posted = await request.post(API, {
      headers: client,
      data: { name, body: `${text}\uFFFF with\u0008 \uDC00 halves`, token: await token(request) },
    });
    expect(posted.status()).toBe(201);
    const xml = await (await request.get("/articles/monolith-vs-microservices/comments.xml")).text();
    expect(XMLValidator.validate(xml)).toBe(true);
    const entries = new XMLParser({ isArray: (tag) => tag === "entry" }).parse(xml).feed.entry as Array<{
      author: { name: string };
      content: string;
    }>;
    const entry = entries.find((e) => e.content.includes(text));
    expect(entry?.author.name).toBe("Eve Bad");
    expect(entry?.content).toMatch(new RegExp(`${text} with\\s+halves`));
  });

  test(`a parentId that is a number or an object is a 400 naming parentId, not a new thread${QUICK}`, async ({
    request,
  }) => {
    for (const parentId of [42, { id: "x" }]) {
      const response = await request.post(API, {
        headers: client,
        data: { name: "Script", body: `Reply ${JSON.stringify(parentId)}`, parentId, token: await token(request) },
      });
      expect(response.status()).toBe(400);
      expect(Object.keys((await response.json()).fields)).toEqual(["parentId"]);
    }
  });

  test(`only application/json is JSON: application/jsonx is a 415${QUICK}`, async ({ request }) => {
    const data = JSON.stringify({ name: "Script", body: "Typed", token: await token(request) });
    const post = (type: string) => request.post(API, { headers: { ...client, "content-type": type }, data });
    expect((await post("application/jsonx")).status()).toBe(415);
    expect((await post("application/json-seq")).status()).toBe(415);
    expect((await post("Application/JSON; charset=UTF-8")).status()).toBe(201);
  });
});

test.describe(`an article with 10,000 threads, the first with 10,000 replies`, () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  test.beforeAll(async () => {
    test.setTimeout(SERVER_SETUP_MS);
    const url = freshSqlite("e2e-api-long");
    const sqlite = new Database(url.slice("file:".length));
    const insert = sqlite.prepare(
      `INSERT INTO "Comment" (id, articleSlug, parentId, rootId, depth, authorName, body, createdAt) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    // The time as Prisma writes it on SQLite, so the API's cursor compares like with like.
    const at = (ms: number) => new Date(Date.parse("2026-01-01T00:00:00Z") + ms).toISOString().replace("Z", "+00:00");
    sqlite.transaction(() => {
      for (let i = 0; i < 10_000; i++)
        insert.run(`t${i}`, "monolith-vs-microservices", null, `t${i}`, 1, `Reader ${i}`, `Thread ${i}`, at(i * 1000));
      for (let i = 0; i < 10_000; i++)
        insert.run(`r${i}`, "monolith-vs-microservices", "t0", "t0", 2, `Replier ${i}`, `Reply ${i}`, at(500 + i));
    })();
    sqlite.close();
    server = await startServer(E2E_PORT + 6, e2eEnv(url));
  });
  test.afterAll(() => server?.stop());

  test("the API answers in pages of at most 100 threads and a script reads every one, then posts", async ({
    request,
  }) => {
    test.setTimeout(240_000);
    const api = `${server.url}${API}`;
    const first = await request.get(api, { headers });
    expect(first.status()).toBe(200);
    const firstPage = await first.json();
    expect(firstPage).toMatchObject({ count: 20_000, next: expect.any(String), token: expect.any(String) });
    expect(firstPage.comments).toHaveLength(50);
    expect(firstPage.comments[0].replies).toHaveLength(10_000);
    expect((await request.get(`${api}?limit=101`, { headers })).status()).toBe(400);
    expect((await request.get(`${api}?after=not-a-cursor`, { headers })).status()).toBe(400);

    const authors: string[] = [];
    let replies = 0;
    let next: string | null = null;
    let token = "";
    do {
      const response = await request.get(`${api}?limit=100${next ? `&after=${next}` : ""}`, { headers });
      expect(response.status()).toBe(200);
      const page: { comments: { author: string; replies: unknown[] }[]; next: string | null; token: string } =
        await response.json();
      expect(page.comments.length).toBeLessThanOrEqual(100);
      for (const thread of page.comments) {
        authors.push(thread.author);
        replies += thread.replies.length;
      }
      ({ next, token } = page);
    } while (next);
    expect(authors).toEqual(Array.from({ length: 10_000 }, (_, i) => `Reader ${i}`));
    expect(replies).toBe(10_000);

    const posted = await request.post(api, {
      headers,
      data: { name: "Script", body: "Read all 20,000 of them.", token },
    });
    expect(posted.status()).toBe(201);
  });

  test("the article page lists up to 1,000 threads and says so", async ({ request }) => {
    test.setTimeout(120_000);
    const article = `${server.url}/articles/monolith-vs-microservices`;
    // Asserted on counts and booleans: a failing match on 20 MB of HTML would print all of it.
    const most = await (await request.get(`${article}?threads=1000`)).text();
    const threadsIn = (html: string) => html.match(/<li id="comment-t\d+"/g)?.length ?? 0;
    expect(most.includes("Comments are unavailable"), "the comments are listed").toBe(false);
    expect(threadsIn(most)).toBe(1_000);
    expect(most.includes("The page shows 1,000 threads at most"), "the page says it shows no more").toBe(true);
    expect(most.includes("Show more comments"), "no link to more").toBe(false);
    // Beyond the bound, the page falls back to its first 50 threads.
    const beyond = await (await request.get(`${article}?threads=5000`)).text();
    expect(threadsIn(beyond)).toBe(50);
    expect(beyond.includes("Show more comments"), "a link to more").toBe(true);
  });
});
