// Writes a few log lines the way the server does, for tests/unit/logging.test.ts to read back from
// stdout: a comment change and a console error inside a request, and a line outside any.
import { consoleToLog, logCommentChange, logger, withRequest } from "@/lib/server/log";

consoleToLog();
withRequest({ id: "probe-request-0001" }, () => {
  logCommentChange({ action: "post", outcome: "posted", slug: "an-article", commentId: "c1", pending: false });
  // What a careless caller might pass along: redacted by name.
  logger().info({ body: "the comment's text", email: "reader@example.com", cookie: "mg_admin=x" }, "careless");
  console.error("outbox: mail to reader@example.com failed", new Error("550 5.1.1 <reader@example.com>: rejected"));
});
logCommentChange({ action: "react", outcome: "failed", slug: "x".repeat(500) }, new Error("database away"));
console.log("outside any request");
