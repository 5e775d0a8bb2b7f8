import { describe, expect, it } from "vitest";
import { decodes, isCrossSite, isHttps, isMalformedForm } from "@/lib/server/request-guards";

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

describe("isMalformedForm", () => {
  const action = (bound: unknown) => ({ $ACTION_REF_1: "", "$ACTION_1:0": JSON.stringify({ id: "abc", bound }) });

  it("passes what is not a form, a plain form, a script's action call and an intact no-JS action", async () => {
    expect(await isMalformedForm(headers({ "content-type": "application/json" }), Buffer.from("{"))).toBe(false);
    expect(await isMalformedForm(headers(FORM), form({ name: "Ada", body: "Hello" }))).toBe(false);
    expect(await isMalformedForm(headers({ ...FORM, "next-action": "abc" }), form({ x: "1" }))).toBe(false);
    expect(await isMalformedForm(headers(FORM), form({ ...action("$@1"), "$ACTION_1:1": "[]" }))).toBe(false);
    expect(await isMalformedForm(headers(FORM), form(action(null)))).toBe(false);
  });

  it("catches cut or altered action fields and a multipart body that does not parse", async () => {
    expect(await isMalformedForm(headers(FORM), form({ $ACTION_REF_1: "" }))).toBe(true);
    expect(await isMalformedForm(headers(FORM), form({ $ACTION_REF_1: "", "$ACTION_1:0": "{not json" }))).toBe(true);
    expect(await isMalformedForm(headers(FORM), form(action("$@1")))).toBe(true);
    expect(await isMalformedForm(headers(FORM), form({ "$ACTION_1:1": "[]" }))).toBe(true);
    const multipart = { "content-type": "multipart/form-data; boundary=x" };
    expect(await isMalformedForm(headers(multipart), Buffer.from("--x\r\nbroken"))).toBe(true);
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
