// The social web in the production build (FEDIVERSE=on): the same article URL answers a server
// asking for ActivityStreams with an Article and a browser with its page, where a reply that came
// from the fediverse shows with its writer's handle and a link to the original. (The exchange with
// a second server, signatures and all, is tests/integration/fediverse.test.ts, and on production
// instances behind nginx tests/reliability/fediverse.ts: a production server fetches loopback
// addresses only on a 127.x.x.x SITE_URL.)
import { expect, test } from "./support/test";
import { readerPage } from "./support/comments";
import { E2E_PORT, e2eEnv, freshSqlite, SERVER_SETUP_MS, startServer, type RunningServer } from "./support/servers";
import { openDb } from "../support/app";
import { articlePath } from "@/lib/routes";

const SLUG = "monolith-vs-microservices";
const ARTICLE = articlePath(SLUG);
const SITE = "https://marginalia.example";
const AP = "application/activity+json";
let server: RunningServer;

test.beforeAll(async () => {
  test.setTimeout(SERVER_SETUP_MS);
  const database = freshSqlite("e2e-fediverse");
  // A reply as lib/fediverse stores it once a signed Create(Note) has passed the comment service.
  const db = openDb(database);
  await db.comment.create({
    data: {
      id: "fediverse-reply",
      articleSlug: SLUG,
      rootId: "fediverse-reply",
      authorName: "Alice <Remote>",
      body: "Read it on my phone: **great** piece.",
      remoteId: "https://mastodon.example/users/alice/statuses/1",
      remoteActor: "https://mastodon.example/users/alice",
      authorHandle: "@alice@mastodon.example",
      remoteUrl: "https://mastodon.example/@alice/1",
    },
  });
  await db.$disconnect();
  server = await startServer(E2E_PORT + 15, e2eEnv(database, { FEDIVERSE: "on" }));
});
test.afterAll(() => server?.stop());

test("an article answers the fediverse as ActivityStreams and readers as a page with fediverse replies @quick", async ({
  browser,
  request,
}) => {
  const finger = await request.get(`${server.url}/.well-known/webfinger?resource=acct:blog@marginalia.example`);
  expect(finger.status()).toBe(200);
  expect((await finger.json()).links).toContainEqual(
    expect.objectContaining({ rel: "self", href: `${SITE}/fediverse/blog` }),
  );

  const asJson = await request.get(`${server.url}${ARTICLE}`, { headers: { accept: AP } });
  expect(asJson.headers()["content-type"]).toContain("application/activity+json");
  const article = await asJson.json();
  expect(article).toMatchObject({ type: "Article", id: `${SITE}${ARTICLE}`, attributedTo: `${SITE}/fediverse/blog` });
  // JSON-LD writes a one-item list as the item itself.
  expect([article.replies.items].flat()).toEqual(["https://mastodon.example/users/alice/statuses/1"]);

  const reader = await readerPage(browser, { baseURL: server.url });
  const page = await reader.goto(ARTICLE);
  expect(page?.headers()["content-type"]).toContain("text/html");
  const reply = reader.locator("li.comment", { hasText: "great piece" });
  await expect(reply.locator(".comment-author")).toHaveText("Alice <Remote>");
  await expect(reply.locator(".comment-handle")).toHaveText("@alice@mastodon.example");
  await expect(reply.getByRole("link", { name: "original" })).toHaveAttribute(
    "href",
    "https://mastodon.example/@alice/1",
  );
});

test("an article page names its Webmention endpoint and varies by Accept, from the page cache too @quick", async ({
  request,
}) => {
  const endpoint = `${SITE}/fediverse/webmention`;
  // The first answer renders the page into the cache; the second is the cache's.
  for (const round of ["rendered", "cached"]) {
    const page = await request.get(`${server.url}${ARTICLE}`, { headers: { accept: "text/html" } });
    expect(page.status(), round).toBe(200);
    // Beside the fonts Next.js preloads.
    expect(page.headers()["link"], round).toContain(`<${endpoint}>; rel="webmention"`);
    const vary = page
      .headersArray()
      .filter((header) => header.name.toLowerCase() === "vary")
      .flatMap((header) => header.value.split(/[,\n]/).map((token) => token.trim().toLowerCase()));
    expect(vary, round).toContain("accept");
    const html = await page.text();
    const head = html.slice(0, html.indexOf("</head>"));
    expect(head, round).toContain(`<link rel="webmention" href="${endpoint}"/>`);
  }
});
