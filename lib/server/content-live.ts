import path from "node:path";
import { CONTENT_DIR, onContentChange, refreshContentSoon, type ContentChange } from "../content/content-store";
import { readLiveContent, startLiveContent } from "../content/live-content";
import { formatProblem } from "../content/problems";
import { processWide } from "../process-wide";
import { isProduction } from "../settings";
import { broadcastContentChanged, setContentListener } from "./cache-channel";
import { onShutdown } from "./lifecycle";
import { logger } from "./log";
import { forgetPagesHere } from "./page-cache";

// A production server publishes content/ without a rebuild: lib/content/live-content.ts watches the
// folder and reads what changed; here, what follows from a change on a server. Each change is
// logged (a file refused, with its problems, as one JSON line; what readers now get, as another);
// a change to what readers get drops every page this instance keeps (an article's title shows on
// other pages too: lists, series, related articles); and the other instances are told over the
// cache channel (PostgreSQL), so that one sharing the folder looks at it at once rather than at
// its next rescan. Each instance reads its own copy of the files: a deploy copies them to every
// machine, and each one publishes them when they arrive there. The one place lib/server reads
// lib/content.

const started = processWide("content-live", () => ({ done: false }));

/**
 * Starts publishing content/ live, once per process, and reads it (from the renders kept on disk,
 * the pipeline loaded only for an article not kept); development reads it on every request instead.
 */
export async function startContentLive(): Promise<void> {
  if (started.done || !isProduction()) return;
  started.done = true;
  const stop = startLiveContent(CONTENT_DIR, {
    onWatchError: (error) =>
      logger().warn(
        { event: "content", dir: CONTENT_DIR, reason: error.message },
        "content/ is not watched: changes show at the next rescan (every 10 s)",
      ),
  });
  const unsubscribe = onContentChange(contentChanged);
  setContentListener(() => void refreshContentSoon(CONTENT_DIR));
  onShutdown("content watcher", async () => {
    stop();
    unsubscribe();
    setContentListener(undefined);
  });
  await readLiveContent(CONTENT_DIR);
}

/** What follows from a read of content/ that changed something. */
export function contentChanged(change: ContentChange): void {
  const log = logger();
  for (const { file, problems, kept } of change.refused) {
    log.warn(
      {
        event: "content",
        file: path.relative(process.cwd(), file) || file,
        problems: problems.map(formatProblem),
        kept,
      },
      kept
        ? "content file not published: it has problems, its last good version stays up"
        : "content file not published: it has problems",
    );
  }
  if (change.published.length === 0 && change.removed.length === 0 && !change.assets) return;
  log.info(
    {
      event: "content",
      published: change.published,
      removed: change.removed,
      assets: change.assets,
      version: change.version,
    },
    "content changed",
  );
  forgetPagesHere();
  broadcastContentChanged();
}
