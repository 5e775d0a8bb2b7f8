import { warmUp } from "./lib/server/health";
import { startSender } from "./lib/mail/sender";
import { startCacheChannel } from "./lib/server/cache-channel";
import { serveCommenters } from "./lib/comments/commenter-page";
import { serveCommentPosts } from "./lib/comments/lane-posts";
import { startContentLive } from "./lib/server/content-live";
import { serveFediverse } from "./lib/fediverse/serve";
import { settings } from "./lib/settings";

// What instrumentation.ts starts in a Node.js server, in one module that it imports once: Next.js
// bundles each dynamic import of instrumentation.ts into a group of chunks of its own, and the
// modules several groups share (the comment service, the article pipeline, Prisma's client) were
// loaded once per group, KaTeX three times (2.3 MB of source each; docs/performance.md, Memory).

export async function startNodeServer(): Promise<void> {
  // The database client's first query, before /readyz asks (lib/server/health.ts).
  void warmUp();
  startSender();
  // The SMTP listener and its mail parser load only where replies by mail are taken.
  if (settings().SMTP_INBOUND_PORT !== undefined)
    void import("./lib/mail-in/listener").then(({ startInboundListener }) => startInboundListener());
  startCacheChannel();
  serveCommenters();
  serveCommentPosts();
  // Before the first request: the articles read (from their kept renders) at start, not by a reader's request.
  await startContentLive();
  // The social web: server.ts's lane to Fedify, its queue's worker, new articles sent to followers
  // (Fedify itself loads only with FEDIVERSE=on).
  await serveFediverse();
}
