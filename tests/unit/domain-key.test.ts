import { describe, expect, it } from "vitest";
import { canonicalHost, domainKey, withinDomain } from "@/lib/server/domain-key";
import { matchBlocks, type BlockRule } from "@/lib/comments/blocklist";
import { CPU_MAX_MS, cpuMs } from "../support/cpu";

// The domain a host counts under (lib/server/domain-key.ts): subdomains of one registrable domain
// share a key, whatever their spelling; IP literals and names with no registrable domain count
// as themselves; a block of a domain covers its subdomains and nothing that merely ends alike.

describe("the domain a host counts under", () => {
  it.each([
    ["a.evil.example", "evil.example"],
    ["b.evil.example", "evil.example"],
    ["deep.down.a.evil.example", "evil.example"],
    ["evil.example", "evil.example"],
    ["mastodon.social", "mastodon.social"],
    ["notmastodon.social", "notmastodon.social"],
    ["www.bbc.co.uk", "bbc.co.uk"],
    ["a.b.co.uk", "b.co.uk"],
    ["a.b.com.au", "b.com.au"],
    ["alice.github.io", "alice.github.io"],
    ["bob.github.io", "bob.github.io"],
    ["x.blog.alice.github.io", "alice.github.io"],
  ])("counts %j under %j", (host, domain) => {
    expect(domainKey(host, 64)).toBe(domain);
  });

  it.each([
    ["A.EVIL.EXAMPLE", "evil.example"],
    ["a.evil.example.", "evil.example"],
    [" a.Evil.Example. ", "evil.example"],
    ["Sub.MÜNCHEN.de", "xn--mnchen-3ya.de"],
    ["sub.xn--mnchen-3ya.de", "xn--mnchen-3ya.de"],
    ["a.b.個人.香港", "b.xn--gmqw5a.xn--j6w193g"],
    ["a.b.xn--gmqw5a.xn--j6w193g", "b.xn--gmqw5a.xn--j6w193g"],
  ])("reads every spelling of a name alike: %j is %j", (host, domain) => {
    expect(domainKey(host, 64)).toBe(domain);
  });

  it("counts an IPv4 literal as itself, an IPv6 literal as its /64 (one owner holds it whole)", () => {
    expect(domainKey("203.0.113.7", 64)).toBe("203.0.113.7");
    expect(domainKey("[::ffff:203.0.113.7]", 64)).toBe("203.0.113.7");
    expect(domainKey("[2001:db8:1:2::5]", 64)).toBe("2001:db8:1:2::/64");
    expect(domainKey("[2001:DB8:1:2:ffff::9]", 64)).toBe("2001:db8:1:2::/64");
    expect(domainKey("[2001:db8:1:3::5]", 64)).toBe("2001:db8:1:3::/64");
  });

  it("counts a name with no registrable domain as itself: localhost, a bare name, a public suffix", () => {
    expect(domainKey("localhost", 64)).toBe("localhost");
    expect(domainKey("LOCALHOST.", 64)).toBe("localhost");
    expect(domainKey("intranet", 64)).toBe("intranet");
    expect(domainKey("co.uk", 64)).toBe("co.uk");
    expect(domainKey("github.io", 64)).toBe("github.io");
    expect(domainKey("", 64)).toBe("");
  });

  it("writes a host in one spelling", () => {
    expect(canonicalHost("Bea.EXAMPLE.")).toBe("bea.example");
    expect(canonicalHost("[2001:db8::1]")).toBe("2001:db8::1");
    expect(canonicalHost("bücher.example")).toBe("xn--bcher-kva.example");
  });
});

describe("a domain and its subdomains", () => {
  it("covers the domain and its subdomains, in any spelling", () => {
    expect(withinDomain("evil.example", "evil.example")).toBe(true);
    expect(withinDomain("a.evil.example", "evil.example")).toBe(true);
    expect(withinDomain("A.Evil.Example.", "evil.example")).toBe(true);
    expect(withinDomain("x.bücher.example", "xn--bcher-kva.example")).toBe(true);
  });

  it("does not cover a name that merely ends alike, a parent, or a sibling", () => {
    expect(withinDomain("notmastodon.social", "mastodon.social")).toBe(false);
    expect(withinDomain("mastodon.social.evil.example", "mastodon.social")).toBe(false);
    expect(withinDomain("evil.example", "a.evil.example")).toBe(false);
    expect(withinDomain("b.evil.example", "a.evil.example")).toBe(false);
    expect(withinDomain("anything.example", "")).toBe(false);
  });

  it("refuses a reply from a blocked domain's subdomain, in any spelling, and not from a look-alike", () => {
    const rules: BlockRule[] = [{ id: "1", kind: "domain", value: "evil.example", action: "refuse" }];
    const from = (instance: string) =>
      matchBlocks({ name: "Mallory", body: "Hello.", ip: null, browserId: null, instance }, rules).length;
    expect(from("a.evil.example")).toBe(1);
    expect(from("A.EVIL.EXAMPLE.")).toBe(1);
    expect(from("notevil.example")).toBe(0);
  });
});

describe("crafted hosts stay cheap", () => {
  const MB = 1024 * 1024;
  const fill = (unit: string, length = MB) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
  const HOSTS: Record<string, string> = {
    "a megabyte of labels a.": fill("a."),
    "a megabyte of one label": fill("x"),
    "a megabyte of dots": fill("."),
    "a megabyte of unicode labels ü.": fill("ü."),
    "a megabyte of punycode labels": fill("xn--mnchen-3ya."),
    "a megabyte of colons": fill(":"),
    "a megabyte of IPv4-like numbers": fill("1.2."),
    "a megabyte in brackets": `[${fill("a:", MB - 2)}]`,
    "a megabyte of upper case": fill("AB.CD."),
    "253 characters of one-letter labels": `${fill("a.", 250)}com`,
    "253 characters of unicode labels": `${fill("ü.", 250)}de`,
    "a full-length name under a wildcard suffix": `${fill("a.", 230)}x.compute.amazonaws.com`,
  };

  for (const [name, host] of Object.entries(HOSTS)) {
    it(`counts ${name} in under ${CPU_MAX_MS} ms of CPU`, () => {
      const ms = cpuMs(() => {
        domainKey(host, 64);
        withinDomain(host, "evil.example");
        withinDomain("a.evil.example", host);
      });
      expect(ms).toBeLessThanOrEqual(CPU_MAX_MS);
    });
  }
});
