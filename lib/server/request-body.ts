/** What one submission may send: a comment is at most 5,000 characters, and no form needs more. */
export const MAX_SUBMISSION_BYTES = 64 * 1024;

/**
 * A request's body, or null once it passes `max` bytes. The limit holds on the bytes received, not
 * only on Content-Length: a chunked body has none, and reading stops at the first byte too many.
 */
export async function readBody(request: Request, max: number): Promise<Buffer | null> {
  if (Number(request.headers.get("content-length") ?? 0) > max) return null;
  if (!request.body) return Buffer.alloc(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(chunks);
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
}

/** A form read from a body already in hand (as Request.formData would read it from the request). */
export function parseForm(body: Buffer, contentType: string): Promise<FormData> {
  return new Response(new Uint8Array(body), { headers: { "content-type": contentType } }).formData();
}
