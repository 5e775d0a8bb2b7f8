import { XMLParser, XMLValidator } from "fast-xml-parser";
import { expect, test, type APIRequestContext } from "@playwright/test";

const API = "/api/articles/monolith-vs-microservices/comments";
const headers = { "x-forwarded-for": "198.51.100.77" };

test("a script reads the discussion as JSON and is told 429 with Retry-After when posting too fast", async ({ request }) => {
  const listing = await request.get(API, { headers });
  expect(listing.status()).toBe(200);
  expect(Array.isArray((await listing.json()).comments)).toBe(true);

  const token = async () => (await (await request.get(API, { headers })).json()).token as string;
  const post = async (body: string, reuse?: string) =>
    request.post(API, { headers, data: { name: "Script", body, token: reuse ?? (await token()) } });
  expect((await post("")).status()).toBe(400);
  const once = await token();
  const first = await post(`API comment 1 ${Math.random()}`, once);
  expect(first.status()).toBe(201);
  // A retry with the same token is answered with the same comment, not a second one.
  const retry = await post("API comment 1 again", once);
  expect(retry.status()).toBe(200);
  expect((await retry.json()).id).toBe((await first.json()).id);
  for (let i = 2; i <= 5; i++) expect((await post(`API comment ${i} ${Math.random()}`)).status()).toBe(201);
  const refused = await post("One more");
  expect(refused.status()).toBe(429);
  expect(Number(refused.headers()["retry-after"])).toBeGreaterThan(0);
  expect((await refused.json()).error).toMatch(/Try again in \d+ (seconds?|minutes?)\./);
});

test("an oversized post is refused with 413 before it is read", async ({ request }) => {
  const response = await request.post(API, { headers, data: { name: "Big", body: "x".repeat(70_000), token: "t" } });
  expect(response.status()).toBe(413);
});

test("an unknown article is a 404", async ({ request }) => {
  expect((await request.get("/api/articles/no-such-article/comments")).status()).toBe(404);
});

test.describe("what a script sends", () => {
  // An address of its own: the first test above uses up its address's comments for the minute.
  const client = { "x-forwarded-for": "198.51.100.78" };
  const token = async (request: APIRequestContext) => (await (await request.get(API, { headers: client })).json()).token as string;

  test("characters XML forbids are dropped, and the comment feed still parses and carries the comment", async ({ request }) => {
    const text = `Feed-safe ${Math.random().toString(36).slice(2, 8)}`;
    const name = "Eve\uFFFE\uFFFF\u0001 \uD800Bad";
    const posted = await request.post(API, { headers: client, data: { name, body: `${text}\uFFFF with\u0008 \uDC00 halves`, token: await token(request) } });
    expect(posted.status()).toBe(201);
    const xml = await (await request.get("/articles/monolith-vs-microservices/comments.xml")).text();
    expect(XMLValidator.validate(xml)).toBe(true);
    const entries = new XMLParser({ isArray: (tag) => tag === "entry" }).parse(xml).feed.entry as Array<{ author: { name: string }; content: string }>;
    const entry = entries.find((e) => e.content.includes(text));
    expect(entry?.author.name).toBe("Eve Bad");
    expect(entry?.content).toMatch(new RegExp(`${text} with\\s+halves`));
  });

  test("a parentId that is a number or an object is a 400 naming parentId, not a new thread", async ({ request }) => {
    for (const parentId of [42, { id: "x" }]) {
      const response = await request.post(API, { headers: client, data: { name: "Script", body: `Reply ${JSON.stringify(parentId)}`, parentId, token: await token(request) } });
      expect(response.status()).toBe(400);
      expect(Object.keys((await response.json()).fields)).toEqual(["parentId"]);
    }
  });

  test("only application/json is JSON: application/jsonx is a 415", async ({ request }) => {
    const data = JSON.stringify({ name: "Script", body: "Typed", token: await token(request) });
    const post = (type: string) => request.post(API, { headers: { ...client, "content-type": type }, data });
    expect((await post("application/jsonx")).status()).toBe(415);
    expect((await post("application/json-seq")).status()).toBe(415);
    expect((await post("Application/JSON; charset=UTF-8")).status()).toBe(201);
  });
});
