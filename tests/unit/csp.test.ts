import { describe, expect, it } from "vitest";
import { contentSecurityPolicy, newNonce } from "@/lib/server/csp";
import { THEME_SCRIPT_HASH } from "@/lib/theme";

const directives = (policy: string) =>
  Object.fromEntries(policy.split("; ").map((d) => [d.split(" ")[0], d.split(" ").slice(1).join(" ")]));

describe("the Content-Security-Policy", () => {
  it("runs scripts only by this answer's nonce or the theme script's hash, never inline or eval'd", () => {
    const policy = directives(contentSecurityPolicy("n0nce", { https: false, development: false }));
    expect(policy["script-src"]).toBe(`'self' 'nonce-n0nce' '${THEME_SCRIPT_HASH}' 'strict-dynamic'`);
    expect(policy["object-src"]).toBe("'none'");
    expect(policy["frame-ancestors"]).toBe("'none'");
    expect(policy["form-action"]).toBe("'self'");
    expect(policy["base-uri"]).toBe("'self'");
    expect(policy).not.toHaveProperty("upgrade-insecure-requests");
  });

  it("lets the dev server eval its modules, and upgrades requests over HTTPS", () => {
    expect(contentSecurityPolicy("n", { https: false, development: true })).toContain("'unsafe-eval'");
    expect(contentSecurityPolicy("n", { https: true, development: false })).toContain("upgrade-insecure-requests");
  });

  it("has a nonce of its own for every answer", () => {
    const nonces = new Set(Array.from({ length: 100 }, newNonce));
    expect(nonces.size).toBe(100);
  });
});
