import { watchContent } from "./content-watch";
import { reader } from "./articles";
import { CONTENT_DIR, readAgain, refreshContentSoon, setLive, type ContentChange } from "./content-store";
import { drawInBackground } from "./rehype/mermaid";

// A production server publishes content/ as it is now, not as it was built: a watcher reads the
// folder again a moment after files change (SETTLE_MS, so that a copy in several steps is read
// once it is done), and a rescan every RESCAN_MS catches what the watcher misses (network
// filesystems, a folder replaced by a symlink swap, a lost watch). Either reads only the files
// whose signature changed (content-store.ts); a request never reads the folder. Renders are kept
// on disk by file version (article-cache.ts): the pipeline loads only for a file not kept. A diagram not drawn
// yet is drawn in the background (rehype/mermaid.ts), its article published again once it is.

/** How long the folder must be quiet before it is read again. */
export const SETTLE_MS = 300;
/** The rescan's period: how late a change the watcher missed can be. */
export const RESCAN_MS = 10_000;

export type LiveOptions = {
  /** Off in tests that call refreshContent themselves. */
  watch?: boolean;
  settleMs?: number;
  rescanMs?: number;
  /** The watch failed (or could not start): the rescan alone tells changes from now on. */
  onWatchError?: (error: Error) => void;
};

/** Publishes `dir` live until the returned function is called. */
export function startLiveContent(dir: string = CONTENT_DIR, options: LiveOptions = {}): () => void {
  const { watch = true, settleMs = SETTLE_MS, rescanMs = RESCAN_MS, onWatchError = () => {} } = options;
  setLive(dir, true);
  drawInBackground(readAgain);
  let unwatch = () => {};
  if (watch) {
    try {
      unwatch = watchContent(dir, () => void refreshContentSoon(dir), settleMs, onWatchError);
    } catch (error) {
      onWatchError(error as Error);
    }
  }
  const rescan = setInterval(() => void refreshContentSoon(dir), rescanMs);
  rescan.unref();
  return () => {
    unwatch();
    clearInterval(rescan);
    drawInBackground(undefined);
    setLive(dir, false);
  };
}

/** The first read of a live folder, at start: the pipeline loads first only if some article is not kept rendered. */
export function readLiveContent(dir: string = CONTENT_DIR): Promise<ContentChange | null> {
  return refreshContentSoon(dir, reader);
}
