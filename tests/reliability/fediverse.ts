// The social web on two instances behind nginx (issue 30): two production servers (server.ts) with
// FEDIVERSE=on on one database, SITE_URL nginx's address, and a second Fedify server on loopback
// playing a Mastodon instance (tests/support/remote-instance.ts). It finds @blog by
// WebFinger through nginx and follows it (one Accept); an article file written into the content
// folder reaches it as exactly one Create(Article), not one per instance; its signed reply through
// nginx is exactly one comment on the article page. Every wait is for a condition, with a bound.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { Article, Person } from "@fedify/fedify/vocab";
import { E2E_CONTENT_DIR } from "../e2e/support/servers";
import { loadEnv, openDb } from "../support/app";
import { startCluster } from "../support/cluster";
import { startRemoteInstance } from "../support/remote-instance";
import { waitUntil } from "../support/wait";

const SLUG = "federated-live";
// The instances look for newly visible articles once a minute (lib/mail/sender.ts), then deliver.
const PUBLISH_BOUND_MS = 150_000;
const BOUND_MS = 30_000;

/**
 * The scenario on `url` (a migrated database): instances on `port` and `port + 1`, nginx on
 * `port + 2`, the remote instance on `port + 3`.
 */
export async function fediverseCluster(provider: string, url: string, port: number): Promise<string> {
  const site = `http://127.0.0.1:${port + 2}`;
  const content = `data/reliability-fediverse-${provider}-content`;
  fs.rmSync(content, { recursive: true, force: true });
  fs.cpSync(E2E_CONTENT_DIR, content, { recursive: true });
  const db = openDb(url);
  const env = loadEnv(url, {
    FEDIVERSE: "on",
    FEDIVERSE_ALLOW_PRIVATE_ADDRESS: "1",
    SITE_URL: site,
    CONTENT_DIR: content,
    FEDIVERSE_POLL_SECONDS: "1",
  });
  const cluster = await startCluster(port, env, `data/reliability-fediverse-${provider}`);
  const remote = await startRemoteInstance(port + 3);
  const queueEmpty = () =>
    waitUntil("the fediverse queue to empty", async () => (await db.fediverseMessage.count()) === 0, BOUND_MS);
  try {
    // Found by WebFinger, through nginx, as @blog@<nginx's host>.
    const host = new URL(site).host;
    const finger = await fetch(`${site}/.well-known/webfinger?resource=acct:blog@${host}`);
    assert.equal(finger.status, 200, "WebFinger through nginx");
    const self = (await finger.json()).links.find((link: { rel: string }) => link.rel === "self");
    assert.equal(self?.href, `${site}/fediverse/blog`);
    const blog = await remote.ctx.lookupObject(self.href);
    assert.ok(blog instanceof Person, "the actor through nginx");

    // The instances' first look at the content notes what is there already: nothing is sent for it.
    await waitUntil(
      "the instances to note the published articles",
      async () => (await db.articleAnnouncement.count()) > 0,
      BOUND_MS,
    );
    await remote.follow(blog);
    await waitUntil("the Accept", () => remote.received.some((r) => r.type === "Accept"), BOUND_MS);
    await queueEmpty();
    assert.equal(remote.received.filter((r) => r.type === "Accept").length, 1, "one Accept");

    // A new article, written as a deploy writes it (a temporary file renamed into place).
    const title = `Federated live ${Date.now()}`;
    const published = performance.now();
    const temporary = path.join(content, `.${SLUG}.md.partial`);
    fs.writeFileSync(
      temporary,
      `---\ntitle: "${title}"\ndescription: "Published while two instances run."\nauthor: Test Author\ndate: 2026-01-02\n---\n\nNew on both instances.\n`,
    );
    fs.renameSync(temporary, path.join(content, `${SLUG}.md`));
    const creates = () => remote.received.filter((r) => r.type === "Create");
    await waitUntil("the Create(Article)", () => creates().length > 0, PUBLISH_BOUND_MS);
    const arrived = performance.now() - published;
    await queueEmpty();
    assert.equal(creates().length, 1, "one Create(Article)");
    assert.ok(creates()[0].object instanceof Article);
    assert.equal(String((creates()[0].object as Article).name), title);
    assert.equal(remote.inboxPosts.filter((type) => type === "Create").length, 1, "one delivery of the Create");

    // The reply, signed, through nginx: one comment on the article page.
    const articleUrl = `${site}/articles/${SLUG}`;
    const words = `Read it from the fediverse ${Date.now()}`;
    await remote.reply(blog, articleUrl, words);
    const shown = async () => {
      const page = await fetch(articleUrl, { headers: { accept: "text/html" } });
      return page.status === 200 ? (await page.text()).split(words).length - 1 : -1;
    };
    // Both instances (nginx alternates) show it once.
    await waitUntil(
      "the reply on the article page",
      async () => (await shown()) === 1 && (await shown()) === 1,
      BOUND_MS,
    );
    await queueEmpty();
    for (let i = 0; i < 4; i++) assert.equal(await shown(), 1, "the reply once on the page");
    assert.equal(await db.comment.count({ where: { articleSlug: SLUG } }), 1, "one comment stored");
    return `WebFinger and follow through nginx, one Accept; the new article reached the follower once, ${(arrived / 1000).toFixed(1)} s after its file; the signed reply is one comment on the page`;
  } finally {
    await remote.close();
    await cluster.stop();
    await db.$disconnect();
    fs.rmSync(content, { recursive: true, force: true });
  }
}
