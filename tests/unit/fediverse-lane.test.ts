// Which requests server.ts hands to Fedify (lib/fediverse/paths.ts): its own paths, and an article
// asked for as ActivityStreams; a browser's request for the same article stays the page's. And the
// one setting that must never reach production.
import { describe, expect, it } from "vitest";
import { isFediversePath, isFediverseRequest } from "@/lib/fediverse/paths";
import { settings } from "@/lib/settings";

const AP = "application/activity+json";
const LD = 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"';
const BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

describe("the fediverse's requests", () => {
  it("are Fedify's paths, whatever is asked for", () => {
    for (const url of [
      "/.well-known/webfinger?resource=acct:blog@blog.example",
      "/.well-known/nodeinfo",
      "/nodeinfo/2.1",
      "/fediverse/blog",
      "/fediverse/blog/inbox",
      "/fediverse/inbox",
    ]) {
      expect(isFediverseRequest("GET", url, BROWSER), url).toBe(true);
      expect(isFediversePath(url), url).toBe(true);
    }
    expect(isFediverseRequest("POST", "/fediverse/inbox", AP)).toBe(true);
  });

  it("include an article asked for as ActivityStreams, and only then", () => {
    expect(isFediverseRequest("GET", "/articles/hello-world", AP)).toBe(true);
    expect(isFediverseRequest("HEAD", "/articles/hello-world", LD)).toBe(true);
    expect(isFediverseRequest("GET", "/articles/hello-world?sort=newest", AP)).toBe(true);
    expect(isFediverseRequest("GET", "/articles/hello-world", BROWSER)).toBe(false);
    expect(isFediverseRequest("GET", "/articles/hello-world", undefined)).toBe(false);
    // A comment posted without JavaScript to the article's URL is the page's.
    expect(isFediverseRequest("POST", "/articles/hello-world", AP)).toBe(false);
    expect(isFediverseRequest("GET", "/articles/hello-world/comments.xml", AP)).toBe(false);
    expect(isFediverseRequest("GET", "/", AP)).toBe(false);
    expect(isFediversePath("/articles/hello-world")).toBe(false);
  });

  it("never reach private addresses in production: the test-only setting stops the start", () => {
    const env = { COOKIE_SECRET: "x".repeat(32), FEDIVERSE_ALLOW_PRIVATE_ADDRESS: "1" };
    expect(settings({ ...env, NODE_ENV: "test" }).FEDIVERSE_ALLOW_PRIVATE_ADDRESS).toBe("1");
    expect(() => settings({ ...env, NODE_ENV: "production" })).toThrow(
      /FEDIVERSE_ALLOW_PRIVATE_ADDRESS is for tests only/,
    );
    expect(settings({ ...env, NODE_ENV: "production", FEDIVERSE_ALLOW_PRIVATE_ADDRESS: "0" }).FEDIVERSE).toBe("off");
    // A production build on a loopback SITE_URL is a test cluster (tests/reliability/fediverse.ts).
    expect(
      settings({ ...env, NODE_ENV: "production", SITE_URL: "http://127.0.0.1:4702" }).FEDIVERSE_ALLOW_PRIVATE_ADDRESS,
    ).toBe("1");
    expect(() => settings({ ...env, NODE_ENV: "production", SITE_URL: "https://blog.example" })).toThrow(
      /for tests only/,
    );
  });
});
