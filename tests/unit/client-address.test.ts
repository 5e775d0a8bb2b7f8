import { afterEach, describe, expect, it, vi } from "vitest";
import { CLIENT_ADDRESS_HEADER, stampClientAddress, stampedClientAddress } from "@/lib/server/client-address";
import { settings } from "@/lib/settings";
import { clientAddress, parseTrustProxy, trustsPeer } from "@/lib/trust-proxy";

afterEach(() => vi.unstubAllEnvs());

const none = parseTrustProxy(undefined);
const oneHop = parseTrustProxy("1");
const proxies = parseTrustProxy("loopback, 10.0.0.0/8, 2001:db8::/32, 192.0.2.7");

describe("the client's address without TRUST_PROXY", () => {
  it("is the connection's peer, whatever X-Forwarded-For says", () => {
    expect(clientAddress("203.0.113.5", "", none)).toBe("203.0.113.5");
    expect(clientAddress("203.0.113.5", "198.51.100.1", none)).toBe("203.0.113.5");
    expect(clientAddress("127.0.0.1", "127.0.0.1, 198.51.100.1", none)).toBe("127.0.0.1");
    expect(trustsPeer("127.0.0.1", none)).toBe(false);
  });

  it("spells an IPv4 client of a dual-stack socket as IPv4", () => {
    expect(clientAddress("::ffff:203.0.113.5", "", none)).toBe("203.0.113.5");
  });

  it("treats unset, empty and 0 alike", () => {
    expect(parseTrustProxy("")).toEqual({ kind: "none" });
    expect(parseTrustProxy("0")).toEqual({ kind: "none" });
  });
});

describe("the client's address behind a hop count", () => {
  it("is what the nearest proxy appended; the client's own part of the chain is ignored", () => {
    expect(clientAddress("127.0.0.1", "198.51.100.1", oneHop)).toBe("198.51.100.1");
    expect(clientAddress("127.0.0.1", "127.0.0.1, forged, 198.51.100.1", oneHop)).toBe("198.51.100.1");
    expect(clientAddress("127.0.0.1", "6.6.6.6,198.51.100.1", parseTrustProxy("2"))).toBe("6.6.6.6");
    expect(trustsPeer("203.0.113.9", oneHop)).toBe(true);
  });

  it("is the farthest address there is when the chain is shorter than the count", () => {
    expect(clientAddress("127.0.0.1", "", oneHop)).toBe("127.0.0.1");
    expect(clientAddress("127.0.0.1", "198.51.100.1", parseTrustProxy("3"))).toBe("198.51.100.1");
  });
});

describe("the client's address behind listed proxies", () => {
  it("walks X-Forwarded-For from the right past every trusted proxy", () => {
    expect(clientAddress("127.0.0.1", "198.51.100.1, 10.1.2.3", proxies)).toBe("198.51.100.1");
    expect(clientAddress("::1", "forged, 198.51.100.1, 192.0.2.7", proxies)).toBe("198.51.100.1");
    expect(clientAddress("::ffff:10.0.0.2", "2001:db8::1, 2001:db9::1", proxies)).toBe("2001:db9::1");
  });

  it("believes no header from a peer that is not a listed proxy", () => {
    expect(clientAddress("203.0.113.5", "198.51.100.1", proxies)).toBe("203.0.113.5");
    expect(trustsPeer("203.0.113.5", proxies)).toBe(false);
    expect(trustsPeer("::ffff:127.0.0.1", proxies)).toBe(true);
  });

  it("stops at a hop that is not an address at all", () => {
    expect(clientAddress("127.0.0.1", "10.0.0.1, garbage, 10.0.0.2", proxies)).toBe("garbage");
  });
});

describe("TRUST_PROXY", () => {
  it("refuses what it cannot read, naming the variable", () => {
    for (const bad of ["yes", "10.0.0.0/33", "10.0.0.1/8/1", "::1/129", "localhost", "1.2.3.4,"]) {
      vi.stubEnv("TRUST_PROXY", bad);
      expect(() => settings(), bad).toThrow(/^TRUST_PROXY must be /);
    }
    vi.stubEnv("TRUST_PROXY", "10.0.0.0/8,loopback");
    expect(settings().TRUST_PROXY.kind).toBe("addresses");
  });
});

describe("ADMIN_PASSWORD", () => {
  it("is refused when shorter than 12 characters, naming the variable", () => {
    vi.stubEnv("ADMIN_PASSWORD", "hunter2");
    expect(() => settings()).toThrow("ADMIN_PASSWORD must be at least 12 characters");
    vi.stubEnv("ADMIN_PASSWORD", "correct horse battery staple");
    expect(settings().ADMIN_PASSWORD).toBe("correct horse battery staple");
  });
});

describe("the stamped address", () => {
  it("is believed only as server.ts wrote it, never as a client sent it", () => {
    const forged = new Headers({ [CLIENT_ADDRESS_HEADER]: "guess 6.6.6.6" });
    // Before server.ts made its secret (plain `next start`), nothing is believed.
    expect(stampedClientAddress(forged)).toBeNull();
    const incoming: Record<string, string> = { [CLIENT_ADDRESS_HEADER]: "guess 6.6.6.6" };
    stampClientAddress(incoming, "198.51.100.1");
    expect(stampedClientAddress(new Headers(incoming))).toBe("198.51.100.1");
    expect(stampedClientAddress(forged)).toBeNull();
  });
});
