import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { receiveUpload } from "@/lib/server/request-body";

// An export uploaded to /admin (app/admin/import-comments): written to disk as it arrives, its
// fields kept, every part bounded. Real multipart bodies, as a browser's FormData sends them.

const LIMITS = { fileField: "file", fileBytes: 1_000_000, fieldChars: 100 };
let dir: string;
let to: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "marginalia-upload-test-"));
  to = path.join(dir, "export");
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const post = (body: BodyInit, headers: Record<string, string> = {}) =>
  new Request("http://blog.example/admin/import-comments", {
    method: "POST",
    body,
    headers,
    duplex: "half",
  } as RequestInit);

function form(
  fields: Record<string, string>,
  file?: { name: string; bytes: Uint8Array<ArrayBuffer> },
  extraFile = false,
) {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.set(name, value);
  if (file) data.set("file", new Blob([file.bytes]), file.name);
  if (extraFile) data.set("other", new Blob(["not this one"]), "other.txt");
  return data;
}

const BOUNDARY = "----marginalia-test";
const MULTIPART = { "content-type": `multipart/form-data; boundary=${BOUNDARY}` };

/** A multipart body of one file of `size` bytes, sent in 64 KB chunks as a slow client would. */
function streamedFile(size: number, { close = true } = {}) {
  const head = new TextEncoder().encode(
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="format"\r\n\r\ndisqus\r\n` +
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.xml"\r\n` +
      "Content-Type: application/xml\r\n\r\n",
  );
  const tail = new TextEncoder().encode(`\r\n--${BOUNDARY}--\r\n`);
  const chunk = new Uint8Array(64 * 1024).fill(0x61);
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(head);
    },
    pull(controller) {
      if (sent >= size) {
        if (close) controller.enqueue(tail);
        return controller.close();
      }
      const part = chunk.subarray(0, Math.min(chunk.length, size - sent));
      sent += part.length;
      controller.enqueue(part);
    },
  });
}

describe("receiveUpload", () => {
  it("writes the file to disk byte for byte and keeps the fields", async () => {
    const bytes = new Uint8Array(300_000).map((_, i) => (i * 7) % 256);
    const upload = await receiveUpload(
      post(form({ format: "disqus", map: "/old/ /articles/", dryRun: "on" }, { name: "disqus.xml", bytes }, true)),
      to,
      LIMITS,
    );
    expect(upload).toEqual({
      kind: "ok",
      fields: new Map([
        ["format", "disqus"],
        ["map", "/old/ /articles/"],
        ["dryRun", "on"],
      ]),
      file: { name: "disqus.xml", bytes: 300_000 },
    });
    expect(Buffer.compare(fs.readFileSync(to), Buffer.from(bytes))).toBe(0);
  });

  it("keeps a form without a file, for the route to ask for one", async () => {
    expect(await receiveUpload(post(form({ format: "disqus" })), to, LIMITS)).toMatchObject({
      kind: "ok",
      file: null,
    });
    const urlEncoded = { "content-type": "application/x-www-form-urlencoded" };
    expect(await receiveUpload(post("format=disqus", urlEncoded), to, LIMITS)).toMatchObject({
      kind: "ok",
      file: null,
    });
  });

  it("refuses a file over its limit, a field over its own, and what is not a multipart form", async () => {
    const big = { name: "big.xml", bytes: new Uint8Array(LIMITS.fileBytes + 1) };
    expect(await receiveUpload(post(form({ format: "disqus" }, big)), to, LIMITS)).toEqual({ kind: "tooLarge" });
    expect(await receiveUpload(post(form({ map: "x".repeat(101) })), to, LIMITS)).toEqual({
      kind: "fieldTooLong",
      name: "map",
    });
    // 100 characters of three UTF-8 bytes each are within the limit: it counts characters.
    expect(await receiveUpload(post(form({ map: "é".repeat(100) })), to, LIMITS)).toMatchObject({ kind: "ok" });
    expect(await receiveUpload(post("format=disqus", { "content-type": "text/plain" }), to, LIMITS)).toEqual({
      kind: "malformed",
    });
    expect(await receiveUpload(post("no boundary", { "content-type": "multipart/form-data" }), to, LIMITS)).toEqual({
      kind: "malformed",
    });
  });

  it("refuses a body cut short, and one that never ends its file past the limit", async () => {
    expect(await receiveUpload(post(streamedFile(200_000, { close: false }), MULTIPART), to, LIMITS)).toEqual({
      kind: "malformed",
    });
    // No Content-Length (chunked): the bound is on the bytes received.
    expect(await receiveUpload(post(streamedFile(5_000_000, { close: false }), MULTIPART), to, LIMITS)).toEqual({
      kind: "tooLarge",
    });
  });

  it("never holds the upload in memory: 60 MB pass with a few MB of buffers", async () => {
    const limits = { ...LIMITS, fileBytes: 100 * 1024 * 1024 };
    let peak = 0;
    const before = process.memoryUsage().arrayBuffers;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().arrayBuffers - before)), 5);
    const upload = await receiveUpload(post(streamedFile(60 * 1024 * 1024), MULTIPART), to, limits);
    clearInterval(sampler);
    expect(upload).toMatchObject({ kind: "ok", file: { name: "big.xml", bytes: 60 * 1024 * 1024 } });
    expect(fs.statSync(to).size).toBe(60 * 1024 * 1024);
    // Request.formData() held the body and the file: 120 MB and more.
    expect(peak).toBeLessThan(16 * 1024 * 1024);
  });
});
