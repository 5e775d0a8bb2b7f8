import { Agent, createServer, request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { checkPost, decodes, isCrossSite, isHttps, type CheckedPost } from "@/lib/server/request-guards";
import { MAX_SUBMISSION_BYTES, readBody } from "@/lib/server/request-body";
import { EMAIL_ONE_CLICK_PATH } from "@/lib/routes";

const headers = (values: Record<string, string>) => new Headers(values);
const form = (fields: Record<string, string>) => Buffer.from(new URLSearchParams(fields).toString());
const FORM = { "content-type": "application/x-www-form-urlencoded" };

describe("isCrossSite", () => {
  it("lets through a post from a page of this site, by Host or by a proxy's X-Forwarded-Host", () => {
    expect(isCrossSite(headers({ origin: "http://localhost:3000", host: "localhost:3000" }))).toBe(false);
    expect(
      isCrossSite(
        headers({ origin: "https://blog.example", host: "127.0.0.1:3000", "x-forwarded-host": "blog.example" }),
      ),
    ).toBe(false);
  });

  it("refuses another site, no Origin at all, Origin: null and an Origin that is not a URL", () => {
    expect(isCrossSite(headers({ origin: "https://evil.example", host: "blog.example" }))).toBe(true);
    expect(isCrossSite(headers({ host: "blog.example" }))).toBe(true);
    expect(isCrossSite(headers({ origin: "null", host: "blog.example" }))).toBe(true);
    expect(isCrossSite(headers({ origin: "not a url", host: "blog.example" }))).toBe(true);
    // A look-alike host is another host.
    expect(isCrossSite(headers({ origin: "https://blog.example.evil.example", host: "blog.example" }))).toBe(true);
  });
});

describe("checkPost", () => {
  const SITE = { origin: "http://blog.example", host: "blog.example" };
  const check = (pathname: string, values: Record<string, string>, body: Buffer | string) => {
    const request = new Request(`http://blog.example${pathname}`, {
      method: "POST",
      headers: values,
      body: typeof body === "string" ? body : new Uint8Array(body),
    });
    return checkPost(pathname, request, request.headers);
  };
  const status = async (checked: Promise<CheckedPost>) => {
    const result = await checked;
    return "refusal" in result ? result.refusal.status : 200;
  };
  const malformed = async (values: Record<string, string>, body: Buffer) =>
    (await status(check("/articles/a", { ...SITE, ...values }, body))) === 400;
  const action = (bound: unknown) => ({ $ACTION_REF_1: "", "$ACTION_1:0": JSON.stringify({ id: "abc", bound }) });

  it("passes what is not a form, a plain form, a script's action call and an intact no-JS action", async () => {
    expect(await malformed({ "content-type": "application/json" }, Buffer.from("{"))).toBe(false);
    expect(await malformed(FORM, form({ name: "Ada", body: "Hello" }))).toBe(false);
    expect(await malformed({ ...FORM, "next-action": "abc" }, form({ x: "1" }))).toBe(false);
    expect(await malformed(FORM, form({ ...action("$@1"), "$ACTION_1:1": "[]" }))).toBe(false);
    expect(await malformed(FORM, form(action(null)))).toBe(false);
    const passed = await check("/articles/a", { ...SITE, ...FORM }, form({ name: "Ada" }));
    expect("form" in passed && passed.form?.get("name")).toBe("Ada");
  });

  it("catches cut or altered action fields and a multipart body that does not parse", async () => {
    expect(await malformed(FORM, form({ $ACTION_REF_1: "" }))).toBe(true);
    expect(await malformed(FORM, form({ $ACTION_REF_1: "", "$ACTION_1:0": "{not json" }))).toBe(true);
    expect(await malformed(FORM, form(action("$@1")))).toBe(true);
    expect(await malformed(FORM, form({ "$ACTION_1:1": "[]" }))).toBe(true);
    expect(await malformed({ "content-type": "multipart/form-data; boundary=x" }, Buffer.from("--x\r\nbroken"))).toBe(
      true,
    );
  });

  it("refuses another site's form, but not a script's API post nor a mail provider's one-click POST", async () => {
    const elsewhere = { origin: "https://evil.example", host: "blog.example", ...FORM };
    expect(await status(check("/articles/a", elsewhere, "name=Ada"))).toBe(403);
    expect(await status(check("/api/articles/a/comments", { host: "blog.example" }, "{}"))).toBe(200);
    expect(await status(check(EMAIL_ONE_CLICK_PATH, elsewhere, "List-Unsubscribe=One-Click"))).toBe(200);
  });

  it("answers 413 past 64 KB, as JSON for the API and as a page for a form", async () => {
    const big = "x".repeat(MAX_SUBMISSION_BYTES + 1);
    const page = await check("/articles/a", { ...SITE, ...FORM }, big);
    expect("refusal" in page && page.refusal.headers.get("content-type")).toMatch(/text\/html/);
    const api = await check("/api/articles/a/comments", { "content-type": "application/json" }, big);
    expect("refusal" in api && (await api.refusal.json())).toEqual({ error: "The body is larger than 64 KB." });
  });
});

describe("readBody", () => {
  // A real server, as server.ts's lane reads: the body of a node request, chunked (no length).
  it("stops keeping a chunked body at the first byte too many, answers at once and keeps the connection", async () => {
    const server = createServer((request, response) => {
      void readBody(request, 1024).then((body) => response.end(body ? `kept ${body.length}` : "too large"));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const send = (chunks: number) =>
      new Promise<string>((resolve, reject) => {
        const { port } = server.address() as AddressInfo;
        const request = httpRequest({ port, host: "127.0.0.1", method: "POST", agent }, (response) => {
          let text = "";
          response.setEncoding("utf8").on("data", (chunk) => (text += chunk));
          response.on("end", () => resolve(text));
        });
        request.on("error", reject);
        for (let i = 0; i < chunks; i++) request.write("x".repeat(512));
        request.end();
      });
    try {
      expect(await send(2)).toBe("kept 1024");
      expect(await send(200)).toBe("too large");
      // The rest of the big body was read and dropped: the same connection carries the next post.
      expect(await send(1)).toBe("kept 512");
    } finally {
      agent.destroy();
      server.close();
    }
  });

  it("reads a fetch Request's body the same way", async () => {
    const request = (body: string) => new Request("http://blog.example/", { method: "POST", body });
    expect((await readBody(request("hello"), 5))?.toString()).toBe("hello");
    expect(await readBody(request("hello!"), 5)).toBeNull();
  });
});

describe("decodes and isHttps", () => {
  it("tells paths that are not valid percent-encoded UTF-8", () => {
    expect(decodes("/articles/monolith-vs-microservices")).toBe(true);
    expect(decodes("/articles/%6Donolith")).toBe(true);
    expect(decodes("/articles/%ff")).toBe(false);
    expect(decodes("/media/..%c0%af..")).toBe(false);
  });

  it("reads HTTPS from the URL or the first X-Forwarded-Proto", () => {
    expect(isHttps(headers({}), new URL("https://blog.example/"))).toBe(true);
    expect(isHttps(headers({ "x-forwarded-proto": "https, http" }), new URL("http://127.0.0.1/"))).toBe(true);
    expect(isHttps(headers({ "x-forwarded-proto": "http" }), new URL("http://127.0.0.1/"))).toBe(false);
  });
});
