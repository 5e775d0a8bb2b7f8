// The social web (issue 30) with real parts both ways: the site's federation (lib/fediverse) served
// on a loopback port as server.ts serves it (lib/fediverse/lane.ts), its queue and key-value store
// in a real database; and a second Fedify server on another port playing a Mastodon instance, with
// its own actors and keys. The "Mastodon" finds the blog by WebFinger, reads its actor and an
// article, follows it (and receives the Accept), receives a new article, replies (the reply shows
// under the article), edits and deletes its reply; forged and unsigned activities are refused.
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createFederation, generateCryptoKeyPair, MemoryKvStore, type Federation } from "@fedify/fedify";
import {
  Accept,
  Article,
  Create,
  Delete,
  Endpoints,
  Follow,
  Hashtag,
  Note,
  Person,
  Like,
  Announce,
  PUBLIC_COLLECTION,
  Reject,
  Tombstone,
  Undo,
  Update,
} from "@fedify/fedify/vocab";
import { Temporal } from "@js-temporal/polyfill";
import { createSiteFederation, runQueue, type SiteFederation } from "@/lib/fediverse/federation";
import { answerFediverse } from "@/lib/fediverse/lane";
import { answererOf } from "@/lib/fediverse/serve";
import { FETCHES_PER_POST, INBOX_FETCH_RATE, INBOX_RATE } from "@/lib/fediverse/inbound-limit";
import { stampRequest } from "@/lib/server/client-address";
import { parseTrustProxy } from "@/lib/trust-proxy";
import { publishArticle, publishNewArticles, syncArticles } from "@/lib/fediverse/publish";
import { announceNewArticles } from "@/lib/mail/announcements";
import { deliverAuthorAnswers } from "@/lib/fediverse/answers";
import { addBlock, submitComment } from "@/lib/comments/service";
import { instanceRefused, receiveReply } from "@/lib/fediverse/inbox";
import { site as site_ } from "@/lib/site";
import { blockInstance, listFollowers, removeFollower } from "@/lib/fediverse/followers";
import { listComments } from "@/lib/comments/store";
import { commentHtml, elsewhereCounts, type CommentContext } from "@/lib/comments/html";
import { commentLikeCounts, reactionCounts } from "@/lib/fediverse/reactions";
import { providers, withDatabase } from "../support/databases";
import { createDb, type Db } from "@/lib/server/db";
import { waitUntil } from "../support/wait";
import { serveFetch } from "../support/remote-instance";

const APP_PORT = 4210;
const REMOTE_PORT = 4211;
vi.hoisted(() => {
  process.env.CONTENT_DIR = "tests/fixtures/content-fediverse";
  process.env.SITE_URL = "http://127.0.0.1:4210";
});
const ORIGIN = `http://127.0.0.1:${APP_PORT}`;
const REMOTE = `http://127.0.0.1:${REMOTE_PORT}`;
const SLUG = "replies-from-elsewhere";
const ARTICLE_URL = `${ORIGIN}/articles/${SLUG}`;
const BLOG = `${ORIGIN}/fediverse/blog`;
const AP = "application/activity+json";

/** The second server: a Mastodon-like instance with two accounts, recording what its inboxes receive. */
async function startRemote() {
  const keys = {
    alice: [await generateCryptoKeyPair("RSASSA-PKCS1-v1_5"), await generateCryptoKeyPair("Ed25519")],
    mallory: [await generateCryptoKeyPair("RSASSA-PKCS1-v1_5"), await generateCryptoKeyPair("Ed25519")],
  };
  const received: { type: string; object: unknown; objectId?: string }[] = [];
  const federation: Federation<void> = createFederation<void>({
    kv: new MemoryKvStore(),
    origin: REMOTE,
    allowPrivateAddress: true,
  });
  federation
    .setActorDispatcher("/users/{identifier}", async (ctx, identifier) => {
      if (identifier !== "alice" && identifier !== "mallory") return null;
      const pairs = await ctx.getActorKeyPairs(identifier);
      return new Person({
        id: ctx.getActorUri(identifier),
        preferredUsername: identifier,
        name: identifier === "alice" ? "Alice <Remote>" : "Mallory",
        url: new URL(`/@${identifier}`, REMOTE),
        inbox: ctx.getInboxUri(identifier),
        endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
        publicKey: pairs[0].cryptographicKey,
        assertionMethods: pairs.map((pair) => pair.multikey),
      });
    })
    .setKeyPairsDispatcher(async (_ctx, identifier) => keys[identifier as keyof typeof keys] ?? []);
  federation
    .setInboxListeners("/users/{identifier}/inbox", "/inbox")
    .on(Accept, async (_ctx, accept) => {
      received.push({ type: "Accept", object: null, objectId: accept.objectId?.href });
    })
    .on(Reject, async (_ctx, reject) => {
      received.push({ type: "Reject", object: null, objectId: reject.objectId?.href });
    })
    .on(Create, async (ctx, create) => {
      received.push({ type: "Create", object: await create.getObject(ctx) });
    })
    .on(Update, async (ctx, update) => {
      received.push({ type: "Update", object: await update.getObject(ctx) });
    })
    .on(Delete, async (_ctx, remove) => {
      received.push({ type: "Delete", object: null, objectId: remove.objectId?.href });
    });
  /** Deliveries that reached an inbox (the same activity twice is one for the listeners above). */
  const inboxPosts: string[] = [];
  /** What the blog fetched of the junk a forger names: `/junk/…` (not found), `/chain/<n>` (a page naming the next). */
  const junkFetched: string[] = [];
  const serve = (request: IncomingMessage, response: ServerResponse) => {
    if (request.method === "POST") inboxPosts.push(request.url ?? "");
    const [, kind, n] = (request.url ?? "/").split("/");
    if (kind === "junk" || kind === "chain") {
      junkFetched.push(request.url ?? "");
      if (kind === "junk") return void response.writeHead(404).end();
      // An HTML page whose alternate is the next page: a chain with no end.
      const next = `<${REMOTE}/chain/${Number(n) + 1}>; rel="alternate"; type="application/activity+json"`;
      return void response.writeHead(200, { "content-type": "text/html", link: next }).end("<html></html>");
    }
    void serveFetch(federation, REMOTE, request, response);
  };
  const server = createServer(serve);
  await new Promise<void>((resolve) => server.listen(REMOTE_PORT, "127.0.0.1", resolve));
  return {
    federation,
    server,
    serve,
    received,
    inboxPosts,
    junkFetched,
    ctx: federation.createContext(new URL(REMOTE), undefined),
  };
}

/**
 * A POST to the blog from `from`, one of the machine's loopback addresses (127.0.0.0/8): the blog
 * sees it as the client's address, as it would another server's.
 */
function postFrom(from: string, path: string, body: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; retryAfter: number }>((resolve, reject) => {
    const request = httpRequest(
      {
        host: "127.0.0.1",
        port: APP_PORT,
        path,
        method: "POST",
        localAddress: from,
        headers: { "content-type": AP, "content-length": String(Buffer.byteLength(body)), ...headers },
      },
      (response) => {
        response.resume();
        response.on("end", () =>
          resolve({ status: response.statusCode ?? 0, retryAfter: Number(response.headers["retry-after"] ?? 0) }),
        );
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}

/** An activity claiming to be Alice's, with an HTTP Signature by `keyId` that no key verifies. */
function forgedPost(keyId: string, n: number) {
  const body = JSON.stringify({
    "@context": "https://www.w3.org/ns/activitystreams",
    id: `${REMOTE}/users/alice/statuses/forged-${n}/activity`,
    type: "Like",
    actor: `${REMOTE}/users/alice`,
    object: ARTICLE_URL,
  });
  const digest = createHash("sha256").update(body).digest("base64");
  const signature = Buffer.from(`forged ${n}`).toString("base64");
  return {
    body,
    headers: {
      date: new Date().toUTCString(),
      digest: `SHA-256=${digest}`,
      signature: `keyId="${keyId}",algorithm="rsa-sha256",headers="(request-target) host date digest",signature="${signature}"`,
    },
  };
}

const context: CommentContext = {
  slug: SLUG,
  sort: "oldest",
  threads: 100,
  name: "",
  token: "token",
  editMinutes: 15,
  now: Date.now(),
};

describe.each(providers)("the social web on %s", (name, open, skipReason) => {
  const database = withDatabase(open, skipReason);
  let site: SiteFederation;
  let otherDb: Db;
  let app: Server;
  let remote: Awaited<ReturnType<typeof startRemote>>;
  const stop = new AbortController();
  let noteId = "";
  /** The inbound limits' clock: the real one, unless a test stops it (its windows then stay put). */
  let clock: number | null = null;

  const comments = async () => (await listComments(SLUG, { threads: 100 }, database.db)).threads;
  const pageHtml = async () => (await comments()).map((c) => commentHtml(c, context)).join("");
  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${ORIGIN}${path}`, { method: "POST", body, headers: { "content-type": AP, ...headers } });

  beforeAll(async () => {
    if (skipReason) return;
    vi.stubEnv("COMMENT_MIN_FILL_SECONDS", "0");
    site = createSiteFederation({
      db: () => database.db,
      origin: ORIGIN,
      handle: "blog",
      allowPrivateAddress: true,
      pollMs: 50,
      contentDir: "tests/fixtures/content-fediverse",
    });
    const answerer = answererOf(site, { now: () => new Date(clock ?? Date.now()) });
    app = createServer((request, response) => {
      // The client's address, as server.ts finds it (no proxy trusted).
      stampRequest(request, parseTrustProxy(undefined));
      void answerFediverse(request, response, answerer).then((answered) => {
        // What Next.js would answer: the HTML page. Marked, so a test can tell it was passed on.
        if (!answered) response.writeHead(299, { "content-type": "text/html" }).end("<html>the page</html>");
      });
    });
    await new Promise<void>((resolve) => app.listen(APP_PORT, "127.0.0.1", resolve));
    void runQueue(site, stop.signal);
    // A second instance working the same queue (on PostgreSQL with a client of its own; SQLite
    // has one connection per process): every message is handled once, by one of them.
    otherDb = name === "PostgreSQL" ? createDb(database.url) : database.db;
    void runQueue(createSiteFederation({ ...site.options, db: () => otherDb }), stop.signal);
    remote = await startRemote();
  });

  afterAll(async () => {
    if (skipReason) return;
    stop.abort();
    if (otherDb !== database.db) await otherDb.$disconnect();
    await new Promise((resolve) => app.close(resolve));
    await new Promise((resolve) => remote.server.close(resolve));
  });

  it.skipIf(skipReason)("is found by WebFinger as @blog@host, with its actor, keys and NodeInfo", async () => {
    // What a server asks first of @blog@<host> (over HTTPS in real life: WebFinger knows no scheme).
    const finger = await fetch(`${ORIGIN}/.well-known/webfinger?resource=acct:blog@127.0.0.1:${APP_PORT}`);
    expect(finger.headers.get("content-type")).toMatch(/application\/jrd\+json/);
    const jrd = await finger.json();
    expect(jrd.subject).toBe(`acct:blog@127.0.0.1:${APP_PORT}`);
    const self = jrd.links.find((link: { rel: string }) => link.rel === "self");
    expect(self).toMatchObject({ type: AP, href: BLOG });
    const unknown = await fetch(`${ORIGIN}/.well-known/webfinger?resource=acct:nobody@127.0.0.1:${APP_PORT}`);
    expect(unknown.status).toBe(404);
    const actor = await remote.ctx.lookupObject(self.href);
    expect(actor).toBeInstanceOf(Person);
    const person = actor as Person;
    expect(person.id?.href).toBe(BLOG);
    expect(person.preferredUsername).toBe("blog");
    expect(person.inboxId?.href).toBe(`${BLOG}/inbox`);
    expect(person.followersId?.href).toBe(`${BLOG}/followers`);
    expect((await person.getPublicKey())?.id?.href).toMatch(/^http:\/\/127\.0\.0\.1:4210\/fediverse\/blog#/);
    // The keys were made once and kept: a second federation on the same database has the same.
    const again = createSiteFederation({ ...site.options });
    const ctx = again.federation.createContext(new URL(ORIGIN), undefined);
    const [rsa] = await ctx.getActorKeyPairs("blog");
    expect(rsa.keyId.href).toBe((await person.getPublicKey())?.id?.href);

    const links = await (await fetch(`${ORIGIN}/.well-known/nodeinfo`)).json();
    const nodeinfo = await (await fetch(links.links[0].href)).json();
    expect(nodeinfo.software.name).toBe("marginalia");
    expect(nodeinfo.protocols).toEqual(["activitypub"]);
  });

  it.skipIf(skipReason)(
    "answers an article's URL with an Article when asked as ActivityStreams, and leaves the HTML page alone",
    async () => {
      const object = await remote.ctx.lookupObject(ARTICLE_URL);
      expect(object).toBeInstanceOf(Article);
      const article = object as Article;
      expect(String(article.name)).toBe("Replies from <elsewhere>");
      expect(String(article.summary)).toBe("An article the fediverse tests follow, publish and reply to.");
      expect(String(article.content)).toContain('href="https://example.com/"');
      expect(article.url?.toString()).toBe(ARTICLE_URL);
      expect(article.attributionId?.href).toBe(BLOG);
      const tags = [];
      for await (const tag of article.getTags()) tags.push(tag);
      expect(tags.map((t) => (t instanceof Hashtag ? String(t.name) : null))).toEqual(["#fediverse", "#testing"]);
      expect(article.published?.toString()).toBe("2026-01-01T00:00:00Z");
      // A browser's request for the same URL is not the fediverse's: it goes on to the page.
      const html = await fetch(ARTICLE_URL, { headers: { accept: "text/html,*/*" } });
      expect(html.status).toBe(299);
    },
  );

  it.skipIf(skipReason)(
    "counts likes and boosts of the article, one per person, and takes back an undone like",
    async () => {
      const blog = (await remote.ctx.lookupObject(BLOG)) as Person;
      const send = (who: "alice" | "mallory", activity: Like | Announce | Undo) =>
        remote.ctx.sendActivity({ identifier: who }, blog, activity);
      const like = (who: "alice" | "mallory", n: number) =>
        new Like({
          id: new URL(`${REMOTE}/users/${who}#likes/${n}`),
          actor: remote.ctx.getActorUri(who),
          object: new URL(ARTICLE_URL),
        });
      await send("alice", like("alice", 1));
      await send("alice", like("alice", 2)); // the same person again: still one
      await send("mallory", like("mallory", 1));
      await send(
        "alice",
        new Announce({
          id: new URL(`${REMOTE}/users/alice#boosts/1`),
          actor: remote.ctx.getActorUri("alice"),
          object: new URL(ARTICLE_URL),
        }),
      );
      // A like of something that is not here counts nowhere.
      await send(
        "alice",
        new Like({
          id: new URL(`${REMOTE}/users/alice#likes/3`),
          actor: remote.ctx.getActorUri("alice"),
          object: new URL(`${ORIGIN}/articles/no-such-article`),
        }),
      );
      await waitUntil(
        "the likes and the boost",
        async () => (await reactionCounts(database.db, SLUG)).likes === 2,
        20_000,
      );
      await send(
        "alice",
        new Undo({
          id: new URL(`${REMOTE}/users/alice#likes/1/undo`),
          actor: remote.ctx.getActorUri("alice"),
          object: like("alice", 1),
        }),
      );
      await waitUntil("the undone like", async () => (await reactionCounts(database.db, SLUG)).likes === 1, 20_000);
      expect(await reactionCounts(database.db, SLUG)).toEqual({ likes: 1, boosts: 1 });
      expect(elsewhereCounts("fediverse", { likes: 1, boosts: 1 })).toBe("On the fediverse: 1 like · 1 boost");
      expect(await database.db.fediverseReaction.count()).toBe(2);
    },
  );

  it.skipIf(skipReason)("accepts a follow: the follower is kept, listed, and receives the Accept", async () => {
    const blog = (await remote.ctx.lookupObject(BLOG)) as Person;
    const follow = new Follow({
      id: new URL(`${REMOTE}/users/alice#follows/1`),
      actor: remote.ctx.getActorUri("alice"),
      object: blog.id,
    });
    await remote.ctx.sendActivity({ identifier: "alice" }, blog, follow);
    await waitUntil("the Accept", () => remote.received.some((r) => r.type === "Accept"), 20_000);
    expect(remote.received.find((r) => r.type === "Accept")?.objectId).toBe(`${REMOTE}/users/alice#follows/1`);
    const followers = await (await fetch(`${BLOG}/followers`, { headers: { accept: AP } })).json();
    expect(followers.totalItems).toBe(1);
    const row = await database.db.fediverseFollower.findUniqueOrThrow({ where: { id: `${REMOTE}/users/alice` } });
    expect(row).toMatchObject({ handle: "@alice@127.0.0.1:4211", sharedInbox: `${REMOTE}/inbox` });
  });

  it.skipIf(skipReason)("sends a new article to its followers once, through the queue", async () => {
    publishNewArticles();
    // An announcement seen before (the first look at a site only notes what is already there).
    await database.db.articleAnnouncement.create({ data: { slug: "an-older-article" } });
    // Both instances look for new articles at once: one claims it.
    const announced = await Promise.all([
      announceNewArticles(database.db, new Date(), "tests/fixtures/content-fediverse"),
      announceNewArticles(otherDb, new Date(), "tests/fixtures/content-fediverse"),
    ]);
    expect(announced.flat()).toEqual([SLUG]);
    await waitUntil("the Create(Article)", () => remote.received.some((r) => r.type === "Create"), 20_000);
    await waitUntil("the queue to empty", async () => (await database.db.fediverseMessage.count()) === 0, 20_000);
    const created = remote.received.filter((r) => r.type === "Create");
    expect(created).toHaveLength(1);
    expect(created[0].object).toBeInstanceOf(Article);
    expect(String((created[0].object as Article).name)).toBe("Replies from <elsewhere>");
  });

  it.skipIf(skipReason)("sends an Update when a sent article changes and a Delete when it goes, once", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "marginalia-fediverse-"));
    const file = path.join(dir, `${SLUG}.md`);
    fs.copyFileSync(`tests/fixtures/content-fediverse/${SLUG}.md`, file);
    // The same database (what was sent), the articles read from a folder the test may change.
    const changing = createSiteFederation({ ...site.options, contentDir: dir });
    const ctx = changing.federation.createContext(new URL(ORIGIN), undefined);
    try {
      expect(await syncArticles(changing, ctx)).toEqual([]);
      fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace("Replies from <elsewhere>", "Replies, revised"));
      expect(await syncArticles(changing, ctx)).toEqual([`update ${SLUG}`]);
      expect(await syncArticles(changing, ctx)).toEqual([]);
      await waitUntil("the Update", () => remote.received.some((r) => r.type === "Update"), 20_000);
      const updated = remote.received.find((r) => r.type === "Update")!.object as Article;
      expect(String(updated.name)).toBe("Replies, revised");
      fs.rmSync(file);
      expect(await syncArticles(changing, ctx)).toEqual([`delete ${SLUG}`]);
      expect(await syncArticles(changing, ctx)).toEqual([]);
      await waitUntil("the Delete", () => remote.received.some((r) => r.type === "Delete"), 20_000);
      expect(remote.received.find((r) => r.type === "Delete")!.objectId).toBe(ARTICLE_URL);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      // The article is back as the fixture has it, for what follows.
      await changing.kv.delete(["marginalia", "article", SLUG]);
    }
  });

  it.skipIf(skipReason)(
    "turns a reply into a comment under the article, sanitized, with its author's handle and a link",
    async () => {
      const blog = (await remote.ctx.lookupObject(BLOG)) as Person;
      noteId = `${REMOTE}/users/alice/statuses/1`;
      const note = new Note({
        id: new URL(noteId),
        attribution: remote.ctx.getActorUri("alice"),
        url: new URL(`${REMOTE}/@alice/1`),
        replyTarget: new URL(ARTICLE_URL),
        content:
          `<p><span class="h-card"><a href="${BLOG}" class="u-url mention">@<span>blog</span></a></span> ` +
          `Great <strong>post</strong>!<script>alert(1)</script> <img src=x onerror=alert(2)></p>`,
        published: Temporal.Now.instant(),
        to: PUBLIC_COLLECTION,
      });
      await remote.ctx.sendActivity(
        { identifier: "alice" },
        blog,
        new Create({ id: new URL(`${noteId}/activity`), actor: remote.ctx.getActorUri("alice"), object: note }),
      );
      await waitUntil("the comment", async () => (await comments()).length === 1, 20_000);
      const [comment] = await comments();
      expect(comment.authorName).toBe("Alice <Remote>");
      expect(comment.fediverse).toEqual({ handle: "@alice@127.0.0.1:4211", url: `${REMOTE}/@alice/1` });
      const html = await pageHtml();
      expect(html).toContain("Great <strong>post</strong>!");
      expect(html).toContain("Alice &lt;Remote&gt;");
      expect(html).toContain("@alice@127.0.0.1:4211");
      expect(html).toContain(`<a class="comment-original" href="${REMOTE}/@alice/1"`);
      expect(html).not.toMatch(/<script|onerror|<img/);
      // The mention of the blog itself that opens the reply is not repeated under its article.
      expect(html).not.toContain("@blog");
      // A like of the comment (by its URL on the site) counts on the comment.
      await remote.ctx.sendActivity(
        { identifier: "mallory" },
        blog,
        new Like({
          id: new URL(`${REMOTE}/users/mallory#likes/comment`),
          actor: remote.ctx.getActorUri("mallory"),
          object: new URL(`${ARTICLE_URL}#comment-${comment.id}`),
        }),
      );
      await waitUntil(
        "the comment's like",
        async () => (await commentLikeCounts(database.db, SLUG))[comment.id] === 1,
        20_000,
      );
      expect(
        commentHtml(comment, { ...context, fediverseLikes: await commentLikeCounts(database.db, SLUG) }),
      ).toContain("1 like on the fediverse");
      // The same Note delivered again is the same comment.
      await remote.ctx.sendActivity(
        { identifier: "alice" },
        blog,
        new Create({ id: new URL(`${noteId}/activity`), actor: remote.ctx.getActorUri("alice"), object: note }),
      );
      const row = await database.db.comment.findUniqueOrThrow({ where: { remoteId: noteId } });
      expect(row).toMatchObject({ remoteActor: `${REMOTE}/users/alice`, status: "published" });
    },
  );

  it.skipIf(skipReason)("refuses an unsigned activity and one signed by someone else than its actor", async () => {
    const forgedNote = {
      "@context": "https://www.w3.org/ns/activitystreams",
      id: `${REMOTE}/users/alice/statuses/2/activity`,
      type: "Create",
      actor: `${REMOTE}/users/alice`,
      object: {
        id: `${REMOTE}/users/alice/statuses/2`,
        type: "Note",
        attributedTo: `${REMOTE}/users/alice`,
        inReplyTo: ARTICLE_URL,
        content: "<p>Not written by Alice</p>",
      },
    };
    const unsigned = await post("/fediverse/blog/inbox", JSON.stringify(forgedNote));
    expect(unsigned.status).toBe(401);
    // Mallory signs an activity that claims to be Alice's: her key is not Alice's.
    const blog = (await remote.ctx.lookupObject(BLOG)) as Person;
    await remote.ctx
      .sendActivity(
        { identifier: "mallory" },
        blog,
        new Create({
          id: new URL(`${REMOTE}/users/alice/statuses/3/activity`),
          actor: remote.ctx.getActorUri("alice"),
          object: new Note({
            id: new URL(`${REMOTE}/users/alice/statuses/3`),
            attribution: remote.ctx.getActorUri("alice"),
            replyTarget: new URL(ARTICLE_URL),
            content: "<p>Forged</p>",
          }),
        }),
      )
      .catch(() => undefined);
    // Mallory's Delete of Alice's reply, signed as herself, changes nothing either.
    await remote.ctx.sendActivity(
      { identifier: "mallory" },
      blog,
      new Delete({
        id: new URL(`${REMOTE}/users/mallory#deletes/1`),
        actor: remote.ctx.getActorUri("mallory"),
        object: new Tombstone({ id: new URL(noteId) }),
      }),
    );
    // A body over the bound is refused unread.
    const huge = await post("/fediverse/inbox", `{"x":"${"a".repeat(300_000)}"}`);
    expect(huge.status).toBe(413);
    await waitUntil("the queue to empty", async () => (await database.db.fediverseMessage.count()) === 0, 20_000);
    expect((await comments()).map((c) => c.html)).toEqual([expect.stringContaining("Great")]);
  });

  it.skipIf(skipReason)(
    "counts every inbox post per client address: a flood of junk gets 429, another address and a real instance are served",
    async () => {
      await database.db.rateLimitHit.deleteMany();
      clock = Date.now();
      try {
        const flooder = "127.0.0.2";
        const [{ limit }] = INBOX_RATE;
        const unsigned = JSON.stringify({
          "@context": "https://www.w3.org/ns/activitystreams",
          id: `${REMOTE}/users/alice#flood`,
          type: "Like",
          actor: `${REMOTE}/users/alice`,
          object: ARTICLE_URL,
        });
        const junk = [
          () => postFrom(flooder, "/fediverse/blog/inbox", unsigned),
          () => postFrom(flooder, "/fediverse/inbox", "{not json"),
          () => postFrom(flooder, "/fediverse/inbox", `{"x":"${"a".repeat(300_000)}"}`),
          () => postFrom(flooder, "/fediverse/nobody/inbox", unsigned, { "x-forwarded-for": "198.51.100.1" }),
        ];
        const statuses = new Set<number>();
        for (let n = 0; n < limit; n++) statuses.add((await junk[n % junk.length]()).status);
        // Unsigned (401), malformed, too large (413), an inbox that is nobody's: all refused, all counted.
        expect(statuses.has(401) && statuses.has(413)).toBe(true);
        expect([...statuses].every((status) => status >= 400 && status < 429)).toBe(true);
        const claims: Record<string, string>[] = [
          {},
          { "x-forwarded-for": "127.0.0.1" },
          { "x-forwarded-for": "203.0.113.7, 127.0.0.3" },
        ];
        for (const headers of claims) {
          const refused = await postFrom(flooder, "/fediverse/inbox", unsigned, headers);
          expect(refused.status).toBe(429);
          expect(refused.retryAfter).toBeGreaterThan(0);
          expect(refused.retryAfter).toBeLessThanOrEqual(60);
        }
        // Too large: refused as the limit's before a byte is read.
        expect((await postFrom(flooder, "/fediverse/inbox", "x".repeat(300_000))).status).toBe(429);

        // Another address is served (and refused for what it sent, not for the flood).
        expect((await postFrom("127.0.0.3", "/fediverse/blog/inbox", unsigned)).status).toBe(401);
        // The real instance (its deliveries come from 127.0.0.1) delivers a signed Like as ever.
        const before = (await reactionCounts(database.db, SLUG)).likes;
        const blog = (await remote.ctx.lookupObject(BLOG)) as Person;
        await remote.ctx.sendActivity(
          { identifier: "alice" },
          blog,
          new Like({
            id: new URL(`${REMOTE}/users/alice#likes/during-flood`),
            actor: remote.ctx.getActorUri("alice"),
            object: new URL(ARTICLE_URL),
          }),
        );
        await waitUntil("the like", async () => (await reactionCounts(database.db, SLUG)).likes === before + 1, 20_000);
        // A minute on, the flooder has places again.
        clock += 61_000;
        expect((await postFrom(flooder, "/fediverse/inbox", unsigned)).status).toBe(401);
      } finally {
        clock = null;
        await database.db.rateLimitHit.deleteMany();
      }
    },
  );

  it.skipIf(skipReason)(
    "bounds what forged signatures make the blog fetch: a few per post, and per address",
    async () => {
      await database.db.rateLimitHit.deleteMany();
      clock = Date.now();
      try {
        // A chain of pages, each naming the next as its ActivityStreams alternate: one post, a few fetches.
        remote.junkFetched.length = 0;
        const chained = forgedPost(`${REMOTE}/chain/0`, 0);
        expect((await postFrom("127.0.0.4", "/fediverse/inbox", chained.body, chained.headers)).status).toBe(401);
        expect(remote.junkFetched).toHaveLength(FETCHES_PER_POST);

        // Posts naming a new key each: each costs a fetch, until the address's fetches are spent;
        // then its posts are refused before they are read.
        remote.junkFetched.length = 0;
        const [{ limit }] = INBOX_FETCH_RATE;
        const statuses: number[] = [];
        for (let n = 0; n < limit + 5; n++) {
          const forged = forgedPost(`${REMOTE}/junk/key-${n}`, n);
          statuses.push((await postFrom("127.0.0.5", "/fediverse/inbox", forged.body, forged.headers)).status);
        }
        expect(remote.junkFetched).toHaveLength(limit);
        expect(statuses.slice(0, limit)).toEqual(Array(limit).fill(401));
        expect(statuses.slice(limit)).toEqual(Array(5).fill(429));

        // A post whose fetches run out on the address's limit midway is told to come back (429),
        // and what it could not fetch is not remembered as missing: its retry is checked afresh.
        clock += 61_000;
        for (let n = 0; n < limit - 2; n++) {
          const forged = forgedPost(`${REMOTE}/junk/later-${n}`, n);
          expect((await postFrom("127.0.0.5", "/fediverse/inbox", forged.body, forged.headers)).status).toBe(401);
        }
        remote.junkFetched.length = 0;
        const midway = forgedPost(`${REMOTE}/chain/10`, 10);
        const cut = await postFrom("127.0.0.5", "/fediverse/inbox", midway.body, midway.headers);
        expect(cut.status).toBe(429);
        expect(cut.retryAfter).toBeGreaterThan(0);
        expect(remote.junkFetched).toEqual([`/chain/10`, `/chain/11`]);
        clock += 61_000;
        remote.junkFetched.length = 0;
        expect((await postFrom("127.0.0.5", "/fediverse/inbox", midway.body, midway.headers)).status).toBe(401);
        expect(remote.junkFetched[0]).toBe("/chain/10");
        // The same forged key again costs nothing more (a key that failed is remembered a while).
        remote.junkFetched.length = 0;
        const again = forgedPost(`${REMOTE}/chain/0`, 1);
        expect((await postFrom("127.0.0.6", "/fediverse/inbox", again.body, again.headers)).status).toBe(401);
        expect(remote.junkFetched).toEqual([]);
      } finally {
        clock = null;
        await database.db.rateLimitHit.deleteMany();
      }
    },
  );

  it.skipIf(skipReason)("delivers the author's answer to a fediverse reply as a Note in reply to it", async () => {
    deliverAuthorAnswers();
    const [reply] = await comments();
    const result = await submitComment(
      { slug: SLUG, name: site_.author.name, body: "Thank you, **Alice**.", parentId: reply.id, token: null },
      { ip: "127.0.0.1", browserId: null, isAuthor: true, mailId: "author-answer-1" },
      database.db,
    );
    expect(result.kind).toBe("posted");
    const isAnswer = (r: { type: string; object: unknown }) =>
      r.type === "Create" && r.object instanceof Note && r.object.replyTargetId?.href === noteId;
    await waitUntil("the answer", () => remote.received.some(isAnswer), 20_000);
    const note = remote.received.find(isAnswer)!.object as Note;
    expect(String(note.content)).toContain("Thank you, <strong>Alice</strong>.");
    expect(note.attributionId?.href).toBe(BLOG);
    // The Note is where its id says.
    const fetched = await remote.ctx.lookupObject(note.id!);
    expect(fetched).toBeInstanceOf(Note);
    expect(String((fetched as Note).content)).toContain("Thank you");
  });

  it.skipIf(skipReason)("edits the comment on its author's Update and removes it on their Delete", async () => {
    const blog = (await remote.ctx.lookupObject(BLOG)) as Person;
    await remote.ctx.sendActivity(
      { identifier: "alice" },
      blog,
      new Update({
        id: new URL(`${noteId}#updates/1`),
        actor: remote.ctx.getActorUri("alice"),
        object: new Note({
          id: new URL(noteId),
          attribution: remote.ctx.getActorUri("alice"),
          replyTarget: new URL(ARTICLE_URL),
          content: "<p>Great post, <em>edited</em>.</p>",
        }),
      }),
    );
    await waitUntil("the edit", async () => (await pageHtml()).includes("<em>edited</em>"), 20_000);
    expect((await comments())[0].editedAt).not.toBeNull();

    await remote.ctx.sendActivity(
      { identifier: "alice" },
      blog,
      new Delete({
        id: new URL(`${noteId}#delete`),
        actor: remote.ctx.getActorUri("alice"),
        object: new Tombstone({ id: new URL(noteId) }),
      }),
    );
    await waitUntil(
      "the deletion",
      async () => (await database.db.comment.count({ where: { remoteId: noteId, deletedAt: null } })) === 0,
      20_000,
    );
    // The author's answer under it stays, under "[deleted]".
    expect(await pageHtml()).not.toContain("edited");
  });

  it.skipIf(skipReason)(
    "keeps a delivery to a server that is down, and delivers it once the server is back",
    async () => {
      // The follower's server goes away.
      remote.server.closeAllConnections();
      await new Promise((resolve) => remote.server.close(resolve));
      const posts = remote.inboxPosts.length;
      const ctx = site.federation.createContext(new URL(ORIGIN), undefined);
      await publishArticle(site, ctx, { type: "marginalia.publish", slug: SLUG });
      // The delivery failed: Fedify queued its retry for later, in the database.
      const waiting = async () => {
        const rows = await database.db.fediverseMessage.findMany({ select: { availableAt: true } });
        return rows.length > 0 && rows.every((row) => row.availableAt.getTime() > Date.now());
      };
      await waitUntil("the retry to be queued", waiting, 20_000);
      expect(remote.inboxPosts.length).toBe(posts);

      // The server is back, and the retry's time comes (the queue's rows say when).
      remote.server = createServer(remote.serve);
      await new Promise<void>((resolve) => remote.server.listen(REMOTE_PORT, "127.0.0.1", resolve));
      await database.db.fediverseMessage.updateMany({ data: { availableAt: new Date() } });
      await waitUntil("the delivery", () => remote.inboxPosts.length === posts + 1, 20_000);
      await waitUntil("the queue to empty", async () => (await database.db.fediverseMessage.count()) === 0, 20_000);
      expect(remote.inboxPosts.slice(posts)).toEqual(["/inbox"]);
    },
  );

  it.skipIf(skipReason)("honours Undo(Follow): the follower is removed", async () => {
    const blog = (await remote.ctx.lookupObject(BLOG)) as Person;
    await remote.ctx.sendActivity(
      { identifier: "alice" },
      blog,
      new Undo({
        id: new URL(`${REMOTE}/users/alice#follows/1/undo`),
        actor: remote.ctx.getActorUri("alice"),
        object: new Follow({
          id: new URL(`${REMOTE}/users/alice#follows/1`),
          actor: remote.ctx.getActorUri("alice"),
          object: blog.id,
        }),
      }),
    );
    await waitUntil("the unfollow", async () => (await database.db.fediverseFollower.count()) === 0, 20_000);
    const followers = await (await fetch(`${BLOG}/followers`, { headers: { accept: AP } })).json();
    expect(followers.totalItems).toBe(0);
  });

  it.skipIf(skipReason)(
    "removes a follower, and blocks an instance: its followers go, its follows and replies are refused",
    async () => {
      const blog = (await remote.ctx.lookupObject(BLOG)) as Person;
      const follow = (n: number) =>
        remote.ctx.sendActivity(
          { identifier: "alice" },
          blog,
          new Follow({
            id: new URL(`${REMOTE}/users/alice#follows/${n}`),
            actor: remote.ctx.getActorUri("alice"),
            object: blog.id,
          }),
        );
      await follow(2);
      await waitUntil("the follower", async () => (await listFollowers(database.db)).count === 1, 20_000);
      expect(await removeFollower(database.db, `${REMOTE}/users/alice`)).toBe(true);
      expect((await listFollowers(database.db)).count).toBe(0);
      await follow(3);
      await waitUntil("the follower again", async () => (await listFollowers(database.db)).count === 1, 20_000);

      expect((await blockInstance(database.db, "127.0.0.1")).kind).toBe("saved");
      expect((await listFollowers(database.db)).count).toBe(0);
      await follow(4);
      await waitUntil("the Reject", () => remote.received.some((r) => r.type === "Reject"), 20_000);
      expect(remote.received.find((r) => r.type === "Reject")?.objectId).toBe(`${REMOTE}/users/alice#follows/4`);
      expect((await listFollowers(database.db)).count).toBe(0);

      const refused = `${REMOTE}/users/alice/statuses/5`;
      await remote.ctx.sendActivity(
        { identifier: "alice" },
        blog,
        new Create({
          id: new URL(`${refused}/activity`),
          actor: remote.ctx.getActorUri("alice"),
          object: new Note({
            id: new URL(refused),
            attribution: remote.ctx.getActorUri("alice"),
            replyTarget: new URL(ARTICLE_URL),
            content: "<p>From a blocked instance</p>",
          }),
        }),
      );
      await waitUntil("the queue to empty", async () => (await database.db.fediverseMessage.count()) === 0, 20_000);
      expect(await database.db.comment.count({ where: { remoteId: refused } })).toBe(0);
    },
  );

  it.skipIf(skipReason)(
    "counts an instance under its registrable domain: subdomains share one limit, a block covers them, not a look-alike",
    async () => {
      // A reply as the inbox hands it on once Fedify has checked its signature (signed by its actor).
      const replyFrom = (host: string, n: number) => {
        const actor = new URL(`https://${host}/users/u${n}`).href;
        return receiveReply(
          site,
          {
            noteId: `${actor}/statuses/${n}`,
            inReplyTo: ARTICLE_URL,
            url: null,
            html: `<p>Reply number ${n}, from ${host}.</p>`,
            summary: null,
            actor: { id: actor, name: `Writer ${n}`, username: `u${n}`, avatar: null },
          },
          new URL(actor),
        );
      };
      const kinds = async (replies: [string, number][]) => {
        const outcomes = [];
        for (const [host, n] of replies) outcomes.push((await replyFrom(host, n)).kind);
        return outcomes;
      };
      const perMinute = process.env.COMMENT_RATE_PER_MINUTE ?? "";
      // One reply a minute per person: an instance gets ten.
      vi.stubEnv("COMMENT_RATE_PER_MINUTE", "1");
      try {
        await database.db.rateLimitHit.deleteMany();
        // Ten people, on two subdomains of one domain: the domain's ten.
        const ten = Array.from({ length: 10 }, (_, n): [string, number] => [`${"ab"[n % 2]}.evil.example`, n]);
        expect(await kinds(ten)).toEqual(Array(10).fill("posted"));
        // A new subdomain, the domain itself, another spelling: the same domain, no place left.
        expect(
          await kinds([
            ["c.evil.example", 10],
            ["evil.example", 11],
            ["D.EVIL.EXAMPLE.", 12],
          ]),
        ).toEqual(Array(3).fill("rate-limited"));
        // Another domain has a limit of its own.
        expect(await kinds([["social.good.example", 13]])).toEqual(["posted"]);

        await database.db.rateLimitHit.deleteMany();
        expect((await addBlock({ kind: "domain", value: "evil.example", action: "refuse" }, database.db)).kind).toBe(
          "saved",
        );
        // The subdomain refused (with the reason), the look-alike taken.
        expect(
          await kinds([
            ["e.evil.example", 14],
            ["notevil.example", 15],
          ]),
        ).toEqual(["invalid", "posted"]);
        expect(await database.db.comment.count({ where: { remoteId: { contains: "e.evil.example/users/u14" } } })).toBe(
          0,
        );
        // Follows, likes and boosts are refused by the same test.
        expect(await instanceRefused(database.db, "f.evil.example")).toBe(true);
        expect(await instanceRefused(database.db, "F.Evil.Example.")).toBe(true);
        expect(await instanceRefused(database.db, "notevil.example")).toBe(false);
        expect(await instanceRefused(database.db, "evil.example.org")).toBe(false);
      } finally {
        vi.stubEnv("COMMENT_RATE_PER_MINUTE", perMinute);
      }
    },
  );
});
