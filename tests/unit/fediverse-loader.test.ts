// How the federation fetches actors, keys and contexts (lib/fediverse/document-loader.ts): through
// the guarded fetch, so a private address is refused when the connection is made, a document past
// its bound is refused rather than read on, and the contexts Fedify carries cost no fetch at all.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { boundedDocumentLoader, DOCUMENT_LIMITS } from "@/lib/fediverse/document-loader";

let server: Server;
let PORT = 0;
let BASE = "";
const asked: string[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    asked.push(request.url ?? "");
    if (request.url === "/actor") {
      response.writeHead(200, { "content-type": "application/activity+json" });
      return void response.end(JSON.stringify({ id: `${BASE}/actor`, type: "Person" }));
    }
    if (request.url === "/moved") return void response.writeHead(302, { location: "/actor" }).end();
    // A document that never ends: its server keeps sending.
    response.writeHead(200, { "content-type": "application/activity+json" });
    response.write(`{"id":"${BASE}/huge","name":"`);
    const chunk = "a".repeat(64 * 1024);
    const more = () => {
      while (!response.destroyed && response.write(chunk));
      if (!response.destroyed) response.once("drain", more);
    };
    more();
  });
  // A port of the system's choosing: nothing else's.
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  PORT = (server.address() as AddressInfo).port;
  BASE = `http://127.0.0.1:${PORT}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe("the federation's document loader", () => {
  it("refuses loopback and private addresses unless the test-only setting allows them", async () => {
    const load = boundedDocumentLoader(false, "test");
    for (const url of [`${BASE}/actor`, `http://localhost:${PORT}/actor`, "http://10.1.2.3/actor", "http://[::1]/"]) {
      await expect(load(url), url).rejects.toThrow();
    }
    expect(asked).toEqual([]);
  });

  it("serves the contexts Fedify carries without fetching them", async () => {
    const load = boundedDocumentLoader(false, "test");
    const context = await load("https://www.w3.org/ns/activitystreams");
    expect(context.document).toMatchObject({ "@context": expect.anything() });
  });

  it("reads a document where its redirects end, and refuses one past its bound, unread beyond it", async () => {
    const load = boundedDocumentLoader(true, "test");
    const moved = await load(`${BASE}/moved`);
    expect(moved.documentUrl).toBe(`${BASE}/actor`);
    expect(moved.document).toMatchObject({ type: "Person" });
    await expect(load(`${BASE}/huge`)).rejects.toThrow(`larger than ${DOCUMENT_LIMITS.maxBytes} bytes`);
  });
});
