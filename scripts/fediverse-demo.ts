// `npm run fediverse:demo`: the social web on this machine, without a public address. Starts the
// site as `npm start` runs it (the last `npm run build`) with FEDIVERSE=on at
// http://127.0.0.1:3100 on a fresh SQLite file and a copy of content/, and a second Fedify server
// on :3101 playing a Mastodon instance (tests/support/remote-instance.ts, what the tests use). Its
// account alice finds @blog by WebFinger and follows it, receives the article written into the
// copy of content/, and replies to it; the reply is then a comment under the article, in a browser.
// Both keep running until Ctrl-C. PORT=… moves the site (the instance takes the next port).
import fs from "node:fs";
import path from "node:path";
import type { Article } from "@fedify/fedify/vocab";
import { articlePath } from "../lib/routes";
import { freshSqlite, startServer } from "../tests/e2e/support/servers";
import { loadEnv, openDb } from "../tests/support/app";
import { startRemoteInstance } from "../tests/support/remote-instance";
import { waitUntil } from "../tests/support/wait";

const PORT = Number(process.env.PORT ?? 3100);
const SITE = `http://127.0.0.1:${PORT}`;
const CONTENT = "data/fediverse-demo-content";
const SLUG = "hello-fediverse";
// The site looks for newly visible articles once a minute (lib/mail/sender.ts), then delivers.
const PUBLISH_BOUND_MS = 150_000;
const BOUND_MS = 30_000;
const step = (text: string) => console.log(`\n→ ${text}`);

if (!fs.existsSync(".next/marginalia-server.mjs")) {
  console.error("Build the site first: npm run build");
  process.exit(1);
}
fs.rmSync(CONTENT, { recursive: true, force: true });
fs.cpSync("content", CONTENT, { recursive: true });
const database = freshSqlite("fediverse-demo");
const env = loadEnv(database, {
  FEDIVERSE: "on",
  // The instance and the site are on 127.0.0.1: a production build fetches such addresses only
  // with this, and only while SITE_URL is itself a loopback address (docs/fediverse.md, Trust).
  FEDIVERSE_ALLOW_PRIVATE_ADDRESS: "1",
  SITE_URL: SITE,
  CONTENT_DIR: CONTENT,
  FEDIVERSE_POLL_SECONDS: "1",
});
step(`starting the site at ${SITE} (log: data/fediverse-demo.log)`);
const server = await startServer(PORT, env, "data/fediverse-demo.log");
const remote = await startRemoteInstance(PORT + 1);
const db = openDb(database);
const stop = async (code = 0) => {
  await remote.close();
  server.stop();
  await db.$disconnect();
  process.exit(code);
};
process.once("SIGINT", () => void stop());
process.once("SIGTERM", () => void stop());

try {
  const host = new URL(SITE).host;
  step(`${remote.handle} looks up @blog@${host} (WebFinger) and follows it`);
  const finger = await fetch(`${SITE}/.well-known/webfinger?resource=acct:blog@${host}`);
  const self = (await finger.json()).links.find((link: { rel: string }) => link.rel === "self");
  const blog = await remote.lookUp(self.href);
  console.log(`  found ${String(blog.name)} (${self.href})`);
  // Articles already published when the site started are not sent: only new ones are.
  await waitUntil(
    "the site's first look at content/",
    async () => (await db.articleAnnouncement.count()) > 0,
    BOUND_MS,
  );
  await remote.follow(blog);
  await waitUntil("the Accept", () => remote.received.some((r) => r.type === "Accept"), BOUND_MS);
  console.log("  the blog accepted the follow");

  step(`publishing ${path.join(CONTENT, `${SLUG}.md`)} (the site notices within a minute)`);
  fs.writeFileSync(
    path.join(CONTENT, `${SLUG}.md`),
    `---\ntitle: "Hello, fediverse"\ndescription: "The first article a follower receives."\nauthor: Ahmad Waqar\ndate: ${new Date().toISOString().slice(0, 10)}\n---\n\nWritten as a file, delivered to every follower.\n`,
  );
  await waitUntil("the Create(Article)", () => remote.received.some((r) => r.type === "Create"), PUBLISH_BOUND_MS);
  const article = remote.received.find((r) => r.type === "Create")!.object as Article;
  console.log(`  ${remote.handle} received "${String(article.name)}" (${article.url?.href ?? article.id?.href})`);

  const articleUrl = `${SITE}${articlePath(SLUG)}`;
  const words = "Followed from Mastodon, answered from Mastodon.";
  step(`${remote.handle} replies: "${words}"`);
  await remote.reply(blog, articleUrl, words);
  await waitUntil(
    "the reply under the article",
    async () => (await (await fetch(articleUrl)).text()).includes(words),
    BOUND_MS,
  );
  console.log(`  it is a comment under the article: open ${articleUrl}#comments`);
  console.log(`  /admin (password "${env.ADMIN_PASSWORD}") lists alice among the followers.`);
  console.log("\nCtrl-C stops the site and the instance.");
} catch (error) {
  console.error(`\nThe demo stopped: ${(error as Error).message} (see data/fediverse-demo.log)`);
  await stop(1);
}
