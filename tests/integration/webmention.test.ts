// Webmentions (issue 30) between two local sites on loopback ports: the blog (lib/fediverse served as
// server.ts serves it, its queue in a real database) and "another blog", a plain server whose pages
// the tests write. The other blog links to an article and sends a mention; after the queue checks
// it, the reply is a comment on the article (likes and reposts are counted); a forged source is
// refused; an updated source edits the comment, a deleted one removes it. Sending: the article's
// links are told, once per change, each at the endpoint its page advertises.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createSiteFederation, type SiteFederation } from "@/lib/fediverse/federation";
import { answerFediverse } from "@/lib/fediverse/lane";
import { answererOf } from "@/lib/fediverse/serve";
import {
  PENDING_PER_CLIENT,
  PENDING_PER_DOMAIN,
  receiveWebmention,
  webmentionOptions,
} from "@/lib/fediverse/webmention-receive";
import { WEBMENTION_RATE } from "@/lib/fediverse/inbound-limit";
import { stampClientAddress, stampRequest } from "@/lib/server/client-address";
import { parseTrustProxy } from "@/lib/trust-proxy";
import { reactionCounts } from "@/lib/fediverse/reactions";
import { listComments } from "@/lib/comments/store";
import { commentHtml, type CommentContext } from "@/lib/comments/html";
import { addBlock, submitComment } from "@/lib/comments/service";
import { safeFetch, DEFAULT_LIMITS, FetchRefused } from "@/lib/fediverse/safe-fetch";
import { publishNewArticles, syncArticles } from "@/lib/fediverse/publish";
import { announceNewArticles } from "@/lib/mail/announcements";
import { providers, withDatabase } from "../support/databases";

const APP_PORT = 4220;
const OTHER_PORT = 4221;
vi.hoisted(() => {
  process.env.CONTENT_DIR = "tests/fixtures/content-webmention";
  process.env.SITE_URL = "http://127.0.0.1:4220";
});
const ORIGIN = `http://127.0.0.1:${APP_PORT}`;
const OTHER = `http://127.0.0.1:${OTHER_PORT}`;
const SLUG = "mentioned-here";
const TARGET = `${ORIGIN}/articles/${SLUG}`;
const ENDPOINT = `${ORIGIN}/fediverse/webmention`;

/** The other blog: its pages as the tests set them, and the Webmentions it receives. */
function startOther() {
  const pages = new Map<string, { status: number; html: string; headers?: Record<string, string> }>();
  const received: { path: string; source: string | null; target: string | null }[] = [];
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const path = request.url ?? "/";
    if (request.method === "POST") {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        const form = new URLSearchParams(Buffer.concat(chunks).toString());
        received.push({ path, source: form.get("source"), target: form.get("target") });
        response.writeHead(202).end();
      });
      return;
    }
    const page = pages.get(path);
    if (!page) return void response.writeHead(404).end("not here");
    response.writeHead(page.status, { "content-type": "text/html; charset=utf-8", ...page.headers }).end(page.html);
  });
  return { server, pages, received };
}

/** A reply, like or repost on the other blog, as microformats2 (h-entry) mark it. */
const entry = (property: string, text: string) => `<!doctype html><html><body>
<article class="h-entry">
  <a class="p-author h-card" href="${OTHER}/"><img class="u-photo" src="${OTHER}/me.png" alt="">Bea &lt;Other&gt;</a>
  <a class="${property}" href="${TARGET}">the article</a>
  <div class="e-content">${text}</div>
  <a class="u-url" href="${OTHER}/posts/reply">permalink</a>
</article></body></html>`;

const context: CommentContext = {
  slug: SLUG,
  sort: "oldest",
  threads: 100,
  name: "",
  token: "token",
  editMinutes: 15,
  now: Date.now(),
};

describe.each(providers)("Webmentions on %s", (_name, open, skipReason) => {
  const database = withDatabase(open, skipReason);
  let site: SiteFederation;
  let app: Server;
  let other: ReturnType<typeof startOther>;
  /** Who the blog believes about X-Forwarded-For (TRUST_PROXY): nobody, unless a test says. */
  let trust = parseTrustProxy(undefined);
  /** The rate limits' clock: the real one, unless a test stops it (then its windows do not move by themselves). */
  let clock: number | null = null;
  const mention = (source: string, target = TARGET, headers: Record<string, string> = {}) =>
    fetch(ENDPOINT, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
      body: new URLSearchParams({ source, target }).toString(),
    });
  /** What the queue holds now, handled (the worker would, a moment later). */
  const work = () => site.queue.drain(() => undefined);
  const comments = async () => (await listComments(SLUG, { threads: 100 }, database.db)).threads;
  const rendered = async () => (await comments()).map((c) => commentHtml(c, context)).join("");

  beforeAll(async () => {
    if (skipReason) return;
    vi.stubEnv("COMMENT_MIN_FILL_SECONDS", "0");
    site = createSiteFederation({
      db: () => database.db,
      origin: ORIGIN,
      handle: "blog",
      allowPrivateAddress: true,
      pollMs: 50,
      contentDir: "tests/fixtures/content-webmention",
      onError: (error) => console.error("QUEUE", error),
    });
    const answerer = answererOf(site, { now: () => new Date(clock ?? Date.now()) });
    app = createServer((request, response) => {
      // The client's address, as server.ts finds it.
      stampRequest(request, trust);
      void answerFediverse(request, response, answerer).then((answered) => {
        if (!answered) response.writeHead(299, { "content-type": "text/html" }).end("<html>the page</html>");
      });
    });
    await new Promise<void>((resolve) => app.listen(APP_PORT, "127.0.0.1", resolve));
    other = startOther();
    await new Promise<void>((resolve) => other.server.listen(OTHER_PORT, "127.0.0.1", resolve));
  });

  afterAll(async () => {
    if (skipReason) return;
    await new Promise((resolve) => app.close(resolve));
    await new Promise((resolve) => other.server.close(resolve));
  });

  it.skipIf(skipReason)("advertises its endpoint on every article, and varies the page by Accept", async () => {
    const page = await fetch(TARGET);
    expect(page.status).toBe(299);
    expect(page.headers.get("link")).toBe(`<${ENDPOINT}>; rel="webmention"`);
    expect(page.headers.get("vary")).toMatch(/accept/i);
  });

  it.skipIf(skipReason)("refuses a mention that is not one: bad URLs, a target that is no article here", async () => {
    expect((await mention("javascript:alert(1)")).status).toBe(400);
    expect((await mention(`${OTHER}/posts/reply`, `${ORIGIN}/articles/no-such-article`)).status).toBe(400);
    expect((await mention(`${OTHER}/posts/reply`, "https://elsewhere.example/articles/mentioned-here")).status).toBe(
      400,
    );
    expect((await fetch(ENDPOINT)).status).toBe(405);
    expect(await site.queue.getDepth()).toMatchObject({ queued: 0 });
  });

  it.skipIf(skipReason)("takes a reply: 202 at once, then after the check a comment with its author", async () => {
    other.pages.set("/posts/reply", { status: 200, html: entry("u-in-reply-to", "<p>A fine point, well made.</p>") });
    const answer = await mention(`${OTHER}/posts/reply`);
    expect(answer.status).toBe(202);
    // Nothing is believed before the source is read.
    expect(await comments()).toHaveLength(0);
    expect(await work()).toBe(1);
    const [reply] = await comments();
    expect(reply).toMatchObject({ authorName: "Bea <Other>" });
    const html = await rendered();
    expect(html).toContain("A fine point, well made.");
    expect(html).toContain("Bea &lt;Other&gt;");
    expect(html).toContain("127.0.0.1");
    expect(html).toContain(`href="${OTHER}/posts/reply"`);
    // The same mention again is the same comment.
    await mention(`${OTHER}/posts/reply`);
    await work();
    expect(await comments()).toHaveLength(1);
  });

  it.skipIf(skipReason)("refuses a forged source: a page that does not link to the article", async () => {
    other.pages.set("/posts/forged", {
      status: 200,
      html: `<div class="h-entry"><p class="e-content">I never linked, but I say I replied.</p></div>`,
    });
    expect((await mention(`${OTHER}/posts/forged`)).status).toBe(202);
    await work();
    expect((await rendered()).includes("I never linked")).toBe(false);
    expect(await comments()).toHaveLength(1);
  });

  it.skipIf(skipReason)(
    "edits the comment when the source changes, and removes it when the source is gone",
    async () => {
      other.pages.set("/posts/reply", { status: 200, html: entry("u-in-reply-to", "<p>A finer point, edited.</p>") });
      await mention(`${OTHER}/posts/reply`);
      await work();
      expect(await rendered()).toContain("A finer point, edited.");
      expect(await comments()).toHaveLength(1);

      other.pages.set("/posts/reply", { status: 410, html: "gone" });
      await mention(`${OTHER}/posts/reply`);
      await work();
      expect(await rendered()).not.toContain("A finer point");
    },
  );

  it.skipIf(skipReason)("answers a comment when the reply names the comment's permalink", async () => {
    other.pages.set("/posts/first", { status: 200, html: entry("u-in-reply-to", "<p>First.</p>") });
    await mention(`${OTHER}/posts/first`);
    await work();
    expect(await rendered()).toContain("First.");
    const parent = (await database.db.comment.findUnique({ where: { remoteId: `${OTHER}/posts/first` } }))!;
    const permalink = `${TARGET}#comment-${parent.id}`;
    other.pages.set("/posts/second", {
      status: 200,
      html: entry("u-in-reply-to", "<p>Second, to the first.</p>").replaceAll(
        `href="${TARGET}"`,
        `href="${permalink}"`,
      ),
    });
    expect((await mention(`${OTHER}/posts/second`, permalink)).status).toBe(202);
    await work();
    const second = await database.db.comment.findUnique({ where: { remoteId: `${OTHER}/posts/second` } });
    expect(second?.parentId).toBe(parent.id);
    // Both go, as their pages do.
    other.pages.set("/posts/first", { status: 404, html: "" });
    other.pages.set("/posts/second", { status: 404, html: "" });
    await mention(`${OTHER}/posts/first`);
    await mention(`${OTHER}/posts/second`, permalink);
    await work();
    expect(await rendered()).not.toContain("Second, to the first.");
  });

  it.skipIf(skipReason)(
    "counts likes and reposts apart from the fediverse's, and takes one back when its link goes",
    async () => {
      other.pages.set("/likes/1", { status: 200, html: entry("u-like-of", "") });
      other.pages.set("/reposts/1", { status: 200, html: entry("u-repost-of", "") });
      await mention(`${OTHER}/likes/1`);
      await mention(`${OTHER}/reposts/1`);
      await work();
      expect(await reactionCounts(database.db, SLUG, "webmention")).toEqual({ likes: 1, boosts: 1 });
      expect(await reactionCounts(database.db, SLUG)).toEqual({ likes: 0, boosts: 0 });
      // The like's page no longer links to the article: the like goes.
      other.pages.set("/likes/1", { status: 200, html: "<p>changed my mind</p>" });
      await mention(`${OTHER}/likes/1`);
      await work();
      expect(await reactionCounts(database.db, SLUG, "webmention")).toEqual({ likes: 0, boosts: 1 });
    },
  );

  it.skipIf(skipReason)(
    "lists the page's own comments in the article's ActivityPub replies, each served as a Note",
    async () => {
      const posted = await submitComment(
        { slug: SLUG, name: "Carol <Reader>", body: "Written *on the page*.", parentId: null, token: null },
        { ip: "127.0.0.1", browserId: null, mailId: "reader-comment-1" },
        database.db,
      );
      expect(posted.kind).toBe("posted");
      const id = posted.kind === "posted" ? posted.id : "";
      const AP = { accept: "application/activity+json" };
      const article = (await (await fetch(TARGET, { headers: AP })).json()) as { replies: unknown };
      const noteUrl = `${ORIGIN}/fediverse/comments/${id}`;
      expect(JSON.stringify(article.replies)).toContain(noteUrl);
      const note = (await (await fetch(noteUrl, { headers: AP })).json()) as Record<string, unknown>;
      expect(note).toMatchObject({ type: "Note", inReplyTo: TARGET, url: `${TARGET}#comment-${id}` });
      expect(note.content).toContain("<strong>Carol &lt;Reader&gt;</strong>");
      expect(note.content).toContain("<em>on the page</em>");
    },
  );

  it.skipIf(skipReason)("tells the pages a new article links to, once, at the endpoint each advertises", async () => {
    // The linked post names its endpoint in a Link header, relative to itself; the plain page has none.
    other.pages.set("/posts/hello", {
      status: 200,
      html: "<p>hello</p>",
      headers: { link: '</wm/endpoint?from=header>; rel="webmention"' },
    });
    other.pages.set("/plain", { status: 200, html: "<p>no endpoint here</p>" });
    publishNewArticles();
    await database.db.articleAnnouncement.create({ data: { slug: "an-older-article" } });
    // Two instances look for new articles at once: one claims it.
    const announced = await Promise.all([
      announceNewArticles(database.db, new Date(), "tests/fixtures/content-webmention"),
      announceNewArticles(database.db, new Date(), "tests/fixtures/content-webmention"),
    ]);
    expect(announced.flat()).toEqual([SLUG]);
    while ((await site.queue.getDepth()).queued > 0) await work();
    expect(other.received).toEqual([
      { path: "/wm/endpoint?from=header", source: TARGET, target: `${OTHER}/posts/hello` },
    ]);
  });

  it.skipIf(skipReason)("tells them again once when the article changes, and a page newly linked too", async () => {
    // The same article in a folder of its own, then edited: a link added.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "marginalia-webmention-"));
    const file = path.join(dir, `${SLUG}.md`);
    fs.copyFileSync(`tests/fixtures/content-webmention/${SLUG}.md`, file);
    const edited = createSiteFederation({ ...site.options, contentDir: dir });
    const ctx = edited.federation.createContext(new URL(ORIGIN), undefined);
    expect(await syncArticles(edited, ctx)).toEqual([]);
    fs.appendFileSync(file, `\nAnd now [a new post](${OTHER}/posts/new).\n`);
    other.pages.set("/posts/new", { status: 200, html: `<link rel="webmention" href="/wm/new">` });
    other.received.length = 0;
    // Two instances notice the change at once: one sends it.
    const sent = await Promise.all([syncArticles(edited, ctx), syncArticles(edited, ctx)]);
    expect(sent.flat()).toEqual([`update ${SLUG}`]);
    while ((await edited.queue.getDepth()).queued > 0) await edited.queue.drain(() => undefined);
    expect(other.received.map((r) => r.path).sort()).toEqual(["/wm/endpoint?from=header", "/wm/new"]);
    expect(other.received.every((r) => r.source === TARGET)).toBe(true);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(skipReason)("refuses mentions from a blocked domain, at the door", async () => {
    await addBlock({ kind: "domain", value: "127.0.0.1", action: "refuse" }, database.db);
    expect((await mention(`${OTHER}/posts/reply`)).status).toBe(403);
    // A block of a domain covers its subdomains, however written, and not a name that ends alike.
    await addBlock({ kind: "domain", value: "evil.example", action: "refuse" }, database.db);
    expect((await mention("http://a.evil.example/post")).status).toBe(403);
    expect((await mention("http://B.Evil.Example./post")).status).toBe(403);
    expect((await mention("http://notevil.example/post")).status).toBe(202);
  });

  it.skipIf(skipReason)(
    "counts every request from one address, refused ones too (malformed, too large, GET): past the limit 429, whatever X-Forwarded-For says",
    async () => {
      await database.db.rateLimitHit.deleteMany();
      clock = Date.now();
      const queued = (await site.queue.getDepth()).queued;
      const [{ limit }] = WEBMENTION_RATE;
      /** A body past the lane's bound (256 KB): refused with 413 before it is read whole. */
      const oversize = (headers: Record<string, string> = {}) =>
        fetch(ENDPOINT, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
          body: `source=${"a".repeat(300_000)}`,
        });
      const statuses: number[] = [];
      for (let n = 0; n < limit; n++) {
        // Each one claims another client; no proxy is trusted, so none is believed.
        const forged = { "x-forwarded-for": `198.51.100.${n}` };
        const answer = [
          () => mention("javascript:alert(1)", TARGET, forged),
          () => mention(`http://site-${n}.example/post`, TARGET, forged),
          () => fetch(ENDPOINT, { headers: forged }),
          () => oversize(forged),
        ][n % 4]();
        statuses.push((await answer).status);
      }
      expect(statuses.slice(0, 4)).toEqual([400, 202, 405, 413]);
      expect(new Set(statuses)).toEqual(new Set([400, 202, 405, 413]));
      for (const forged of ["203.0.113.1", "127.0.0.2", "::1", ""]) {
        const refused = await mention("http://site-more.example/post", TARGET, { "x-forwarded-for": forged });
        expect(refused.status).toBe(429);
        expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
        expect(Number(refused.headers.get("retry-after"))).toBeLessThanOrEqual(60);
      }
      // A wrong form, a bare PUT, a GET and a body too large count too, and are refused the same
      // (the last before it is read).
      const form = await fetch(ENDPOINT, { method: "POST", headers: { "content-type": "text/plain" }, body: "x" });
      expect(form.status).toBe(429);
      expect((await fetch(ENDPOINT, { method: "PUT", body: "x" })).status).toBe(429);
      expect((await fetch(ENDPOINT)).status).toBe(429);
      expect((await oversize()).status).toBe(429);
      // Only the valid ones were queued.
      expect((await site.queue.getDepth()).queued).toBe(queued + limit / 4);

      // Behind a trusted proxy, the client it names is counted apart.
      trust = parseTrustProxy("loopback");
      try {
        const behind = await mention("http://site-proxied.example/post", TARGET, { "x-forwarded-for": "203.0.113.9" });
        expect(behind.status).toBe(202);
        expect((await mention("http://site-more.example/post")).status).toBe(429);
      } finally {
        trust = parseTrustProxy(undefined);
      }
      // A minute on, the address has places again.
      clock += 61_000;
      expect((await mention("http://site-later.example/post")).status).toBe(202);
      clock = null;
      await database.db.rateLimitHit.deleteMany();
    },
  );

  it.skipIf(skipReason)(
    "bounds what waits in the queue: per client address, and per source domain whatever its subdomains",
    async () => {
      await database.db.fediverseMessage.deleteMany();
      const options = webmentionOptions(site);
      /** A mention from `address`, as server.ts stamps it (past the lane: not counted here). */
      const from = async (address: string, source: string) => {
        const headers: IncomingHttpHeaders = {};
        stampClientAddress(headers, address);
        const request = new Request(ENDPOINT, {
          method: "POST",
          headers: { ...(headers as Record<string, string>), "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ source, target: TARGET }).toString(),
        });
        return receiveWebmention(request, options);
      };
      // One address, sources on as many sites as it likes: PENDING_PER_CLIENT wait, no more.
      for (let n = 0; n < PENDING_PER_CLIENT; n++) {
        expect((await from("198.51.100.7", `http://page-${n}.example/post`)).status).toBe(202);
      }
      const full = await from("198.51.100.7", "http://page-more.example/post");
      expect(full.status).toBe(429);
      expect(Number(full.headers.get("retry-after"))).toBeGreaterThan(0);
      // Another client is not held up.
      expect((await from("2001:db8:7::1", "http://v6-a.example/post")).status).toBe(202);
      await database.db.fediverseMessage.deleteMany();

      // Sources on subdomains of one domain, sent from many addresses: the domain's share, no more.
      for (let n = 0; n < PENDING_PER_DOMAIN; n++) {
        expect((await from(`192.0.2.${n}`, `http://s${n}.spam.example/post`)).status).toBe(202);
      }
      expect((await from("192.0.2.200", "http://fresh.spam.example/post")).status).toBe(429);
      expect((await from("192.0.2.201", "http://spam.example/post")).status).toBe(429);
      expect((await from("192.0.2.202", "http://spam.example.org/post")).status).toBe(202);
      expect((await site.queue.getDepth()).queued).toBe(PENDING_PER_DOMAIN + 1);
      await database.db.fediverseMessage.deleteMany();
    },
  );
});

describe("fetching a source", () => {
  it("refuses loopback and private addresses unless the test-only setting allows them", async () => {
    const limits = { ...DEFAULT_LIMITS, allowPrivateAddress: false };
    await expect(safeFetch("http://127.0.0.1:4225/", limits)).rejects.toBeInstanceOf(FetchRefused);
    await expect(safeFetch("http://[::1]:4225/", limits)).rejects.toBeInstanceOf(FetchRefused);
    await expect(safeFetch("http://localhost:4225/", limits)).rejects.toBeInstanceOf(FetchRefused);
    await expect(safeFetch("http://10.1.2.3/", limits)).rejects.toBeInstanceOf(FetchRefused);
    await expect(safeFetch("file:///etc/passwd", limits)).rejects.toBeInstanceOf(FetchRefused);
  });
});
