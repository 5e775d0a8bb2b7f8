import type { Instrumentation } from "next";

// Next.js calls register() once when a server process starts: the database client makes its first
// query there, so /readyz need not wait for it (lib/server/health.ts); the outbox's sender loop
// runs there, one per process (see lib/mail/sender.ts), with the SMTP listener for replies by mail
// when SMTP_INBOUND_PORT is set (lib/mail-in/listener.ts), and so does the page cache's channel to
// the other instances (lib/server/cache-channel.ts); and the page cache learns to fill in a
// commenter's own page (lib/comments/commenter-page.ts), and server.ts's lane to answer new
// comments (lib/comments/lane-posts.ts); and content/ is watched, so that a changed article is
// published without a rebuild (lib/server/content-live.ts); and with FEDIVERSE=on, the social web
// (lib/fediverse/serve.ts); all of it in instrumentation-node.ts. Not in the Edge runtime, which
// has no database.
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    // One import: each import here is a bundle of its own, loading what they share again.
    const { startNodeServer } = await import("./instrumentation-node");
    await startNodeServer();
  }
}

// A page, action or route that failed: one log line that ties the digest the error page shows
// after a client-side navigation to the request's id (Next.js logs the error itself, with its stack).
export const onRequestError: Instrumentation.onRequestError = async (error, request, context) => {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { isRequestId, loggedPath, logger } = await import("./lib/server/log");
  const id = request.headers["x-request-id"];
  logger().error(
    {
      event: "error",
      ...(isRequestId(id) ? { requestId: id } : {}),
      digest: (error as { digest?: unknown }).digest,
      method: request.method,
      path: loggedPath(request.path),
      route: context.routePath,
      routeType: context.routeType,
    },
    "request failed",
  );
};
