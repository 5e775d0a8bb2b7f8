import type { IncomingMessage } from "node:http";

// The one reader of a request's body, for the fetch Requests of Next.js (proxy.ts, route handlers)
// and for the node requests of server.ts's lane for posts (lib/server/post-lane.ts) alike.

/** What one submission may send: a comment is at most 5,000 characters, and no form needs more. */
export const MAX_SUBMISSION_BYTES = 64 * 1024;

type NextChunk = () => Promise<{ done?: boolean; value?: Uint8Array }>;

function chunksOf(from: Request | IncomingMessage): NextChunk {
  if (from instanceof Request) {
    const reader = from.body?.getReader();
    return reader ? () => reader.read() : async () => ({ done: true });
  }
  const chunks = from[Symbol.asyncIterator]();
  return () => chunks.next();
}

/**
 * A request's body, or null once it passes `max` bytes. The limit holds on the bytes received, not
 * only on Content-Length: a chunked body has none, and keeping stops at the first byte too many.
 * The rest is still read, and dropped, as Node does with a body nobody reads: the client, still
 * sending, gets the answer rather than a reset.
 */
export async function readBody(from: Request | IncomingMessage, max: number): Promise<Buffer | null> {
  const declared = from instanceof Request ? from.headers.get("content-length") : from.headers["content-length"];
  if (Number(declared ?? 0) > max) return null;
  const next = chunksOf(from);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await next();
    if (done || !value) return Buffer.concat(chunks);
    size += value.byteLength;
    if (size > max) {
      void drain(next);
      return null;
    }
    chunks.push(value);
  }
}

async function drain(next: NextChunk): Promise<void> {
  try {
    while (!(await next()).done);
  } catch {
    // The client went away: nothing left to drop.
  }
}

/** A form read from a body already in hand (as Request.formData would read it from the request). */
export function parseForm(body: Buffer, contentType: string): Promise<FormData> {
  return new Response(new Uint8Array(body), { headers: { "content-type": contentType } }).formData();
}
