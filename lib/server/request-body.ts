import fs from "node:fs";
import type { IncomingMessage } from "node:http";
import { pipeline } from "node:stream/promises";
import { Busboy, type BusboyInstance } from "@fastify/busboy";

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

export type Upload =
  | { kind: "ok"; fields: ReadonlyMap<string, string>; file: { name: string; bytes: number } | null }
  | { kind: "tooLarge" }
  | { kind: "fieldTooLong"; name: string }
  | { kind: "malformed" };

/**
 * A multipart form with one file (the part named `fileField`), streamed to `to` as it arrives and
 * never held in memory: an export may be 100 MB, which a 512 MB machine cannot keep two copies of
 * (Request.formData keeps the body and the file). The file's bytes, each field's characters and
 * the body's bytes as received are bounded; the rest of a body over its bound is read and dropped,
 * as readBody does. Another file part is dropped unread.
 */
export async function receiveUpload(
  request: Request,
  to: string,
  limits: { fileField: string; fileBytes: number; fieldChars: number },
): Promise<Upload> {
  let parser: BusboyInstance;
  try {
    parser = Busboy({
      headers: { "content-type": request.headers.get("content-type") ?? "" },
      limits: { files: 2, fields: 10, parts: 12, fileSize: limits.fileBytes, fieldSize: limits.fieldChars * 4 },
    });
  } catch {
    return { kind: "malformed" }; // not multipart, or no boundary
  }
  const fields = new Map<string, string>();
  let tooLong: string | null = null;
  // Set by the file's part, in a callback: typed so TypeScript does not take it for always null.
  let saved = null as Promise<{ name: string; bytes: number; truncated: boolean }> | null;
  parser.on("field", (name, value, _nameTruncated, valueTruncated) => {
    if (valueTruncated || value.length > limits.fieldChars) tooLong ??= name;
    else fields.set(name, value);
  });
  parser.on("file", (name, stream, fileName) => {
    if (name !== limits.fileField || saved) return void stream.resume();
    saved = pipeline(stream, fs.createWriteStream(to)).then(() => ({
      name: fileName,
      bytes: stream.bytesRead,
      truncated: stream.truncated,
    }));
  });
  // The body's own bound: a file's limit leaves out the parts' headers and what surrounds them.
  let overflow = false;
  const max = limits.fileBytes + 10 * limits.fieldChars * 4 + 64 * 1024;
  async function* bounded(next: NextChunk) {
    let size = 0;
    for (;;) {
      const { done, value } = await next();
      if (done || !value) return;
      size += value.byteLength;
      if (size > max) overflow = true;
      if (!overflow) yield value;
    }
  }
  try {
    await pipeline(bounded(chunksOf(request)), parser);
    const file = saved ? await saved : null;
    if (overflow || file?.truncated) return { kind: "tooLarge" };
    if (tooLong) return { kind: "fieldTooLong", name: tooLong };
    return { kind: "ok", fields, file: file && { name: file.name, bytes: file.bytes } };
  } catch {
    // Cut short, or not multipart as it claimed: the part written so far is the caller's to remove.
    await saved?.catch(() => {});
    return overflow ? { kind: "tooLarge" } : { kind: "malformed" };
  }
}
