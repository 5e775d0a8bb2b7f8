import fs from "node:fs";

/**
 * Calls `onChange` once a burst of file changes under `dir` settles (editors write a file in
 * several steps). Returns a function that stops watching.
 */
export function watchContent(dir: string, onChange: (file: string) => void, settleMs = 100): () => void {
  let timer: NodeJS.Timeout | undefined;
  let changed = "";
  const watcher = fs.watch(dir, { recursive: true }, (_event, filename) => {
    changed = filename ? String(filename) : changed;
    clearTimeout(timer);
    timer = setTimeout(() => onChange(changed), settleMs);
  });
  return () => {
    clearTimeout(timer);
    watcher.close();
  };
}

/**
 * A server-sent event stream: a `change` event each time content under `dir` changes, until the
 * request is aborted (the tab closes).
 */
export function contentEventStream(dir: string, signal: AbortSignal): ReadableStream<Uint8Array> {
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
    },
    cancel() {
      stop();
    },
  });
}
