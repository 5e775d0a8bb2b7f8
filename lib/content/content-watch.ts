import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

// Watching content/ for changes: behind the dev refresh's event stream (app/content-events, below)
// and a production server's live publishing (live-content.ts).

/** A burst that never settles (a long copy) is still told this often. */
const MAX_SETTLE_MS = 2_000;

/**
 * Calls `onChange` once a burst of file changes under `dir` settles (editors, git and rsync write
 * a file in several steps), and at least every MAX_SETTLE_MS while one lasts. `onError`: the watch
 * failed (the folder went away, the system's watch limit); it has stopped. Returns a function that
 * stops watching.
 */
export function watchContent(
  dir: string,
  onChange: (file: string) => void,
  settleMs = 100,
  onError: (error: Error) => void = () => {},
): () => void {
  let timer: NodeJS.Timeout | undefined;
  let changed = "";
  let burstStart = 0;
  const tell = () => {
    burstStart = 0;
    onChange(changed);
  };
  const watcher = fs.watch(dir, { recursive: true }, (_event, filename) => {
    changed = filename ? String(filename) : changed;
    clearTimeout(timer);
    burstStart ||= Date.now();
    timer = setTimeout(tell, Math.max(0, Math.min(settleMs, burstStart + MAX_SETTLE_MS - Date.now())));
  });
  watcher.on("error", (error) => {
    clearTimeout(timer);
    watcher.close();
    onError(error);
  });
  return () => {
    clearTimeout(timer);
    watcher.close();
  };
}

/**
 * What is under `dir` now (each file's name, size and times), as a short hash: the page carries the
 * one it was rendered from, so that a change made before its event stream connected (while the
 * page loaded) is not missed.
 */
export function contentFingerprint(dir: string): string {
  const hash = createHash("sha256");
  try {
    for (const name of fs.readdirSync(dir, { recursive: true, encoding: "utf8" }).sort()) {
      const stat = fs.statSync(path.join(dir, name), { throwIfNoEntry: false });
      if (stat?.isFile()) hash.update(`${name}\0${stat.size}\0${stat.mtimeMs}\0${stat.ino}\n`);
    }
  } catch {
    // The folder is gone or unreadable: that is a state of its own.
  }
  return hash.digest("base64url").slice(0, 16);
}

/**
 * A server-sent event stream: a `change` event each time content under `dir` changes, until the
 * request is aborted (the tab closes), and one at once if it changed since `since` (a fingerprint).
 */
export function contentEventStream(dir: string, signal: AbortSignal, since?: string): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let stop = () => {};
  return new ReadableStream({
    start(controller) {
      const send = (text: string) => {
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          stop();
        }
      };
      const unwatch = watchContent(dir, (file) => send(`event: change\ndata: ${JSON.stringify({ file })}\n\n`));
      // A comment line now and then keeps idle connections from being dropped.
      const heartbeat = setInterval(() => send(": still here\n\n"), 25_000);
      stop = () => {
        unwatch();
        clearInterval(heartbeat);
      };
      signal.addEventListener("abort", () => {
        stop();
        try {
          controller.close();
        } catch {
          // Already closed by the reader.
        }
      });
      send(": watching content\n\n");
      if (since !== undefined && since !== contentFingerprint(dir)) send(`event: change\ndata: {"file":""}\n\n`);
    },
    cancel() {
      stop();
    },
  });
}
