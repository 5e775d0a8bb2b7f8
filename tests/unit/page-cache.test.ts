import { beforeEach, describe, expect, it } from "vitest";
import { cachedPage, forgetPages, pageResponse, PLACEHOLDER } from "@/lib/page-cache";

// Every value this process puts in a template: none may reach a reader.
const PLACEHOLDER_VALUE = /mg(nonce|token)[0-9a-f]{24}/;
const ANSWER = { nonce: "bm9uY2Utb2YtdGhpcy1hbnN3ZXI=", token: "token-of-this-answer" };

/** A template render as the server makes it: the first after a start has a preload Link header. */
const template = (status = 200, body = "") => async () =>
  new Response(`<script nonce="${PLACEHOLDER.nonce}"></script><input name="token" value="${PLACEHOLDER.token}">${body}`, {
    status,
    headers: { "content-type": "text/html", link: `</_next/static/chunks/site.css>; rel=preload; as="style"; nonce="${PLACEHOLDER.nonce}"` },
  });

beforeEach(() => forgetPages());

describe("the page cache", () => {
  it("answers with this answer's nonce and token, in the body and in every header, never the placeholders", async () => {
    // The answer that rendered the page, then one from the cache.
    for (let i = 0; i < 2; i++) {
      const entry = await cachedPage("an-article", template());
      const response = pageResponse(entry!, ANSWER, { "content-security-policy": `script-src 'nonce-${ANSWER.nonce}'` });
      const body = await response.text();
      expect(body).toContain(`nonce="${ANSWER.nonce}"`);
      expect(body).toContain(`value="${ANSWER.token}"`);
      expect(response.headers.get("link")).toContain(`nonce="${ANSWER.nonce}"`);
      for (const [name, value] of response.headers) expect(`${name}: ${value}`).not.toMatch(PLACEHOLDER_VALUE);
      expect(body).not.toMatch(PLACEHOLDER_VALUE);
    }
  });
});
