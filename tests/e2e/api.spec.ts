import { expect, test } from "@playwright/test";

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
