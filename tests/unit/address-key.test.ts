import { afterEach, describe, expect, it, vi } from "vitest";
import { addressKey, parseAddress } from "@/lib/server/address-key";
import { settings } from "@/lib/settings";

// The key a client address is counted under (lib/server/address-key.ts): every spelling of one
// client gives one key, and every address of one IPv6 /64 is one client.

afterEach(() => vi.unstubAllEnvs());

describe("the key of a client address", () => {
  it("is an IPv4 address as it is", () => {
    expect(addressKey("203.0.113.7", 64)).toBe("203.0.113.7");
    expect(addressKey(" 203.0.113.7 ", 64)).toBe("203.0.113.7");
  });

  it.each([
    "::ffff:203.0.113.7",
    "::FFFF:203.0.113.7",
    "::ffff:cb00:7107",
    "0:0:0:0:0:ffff:203.0.113.7",
    "0000:0000:0000:0000:0000:FFFF:CB00:7107",
    "[::ffff:203.0.113.7]",
  ])("is the IPv4 address for the mapped spelling %j", (spelling) => {
    expect(addressKey(spelling, 64)).toBe("203.0.113.7");
  });

  it.each([
    "2001:db8:1:2::1",
    "2001:DB8:1:2::1",
    "2001:0db8:0001:0002:0000:0000:0000:0001",
    "2001:db8:1:2:0:0:0:1",
    "2001:db8:1:2:ffff:ffff:ffff:ffff",
    "2001:db8:1:2:aBcD::9",
    "[2001:db8:1:2::1]",
    "2001:db8:1:2::1%eth0",
    "2001:db8:1:2::1.2.3.4",
  ])("is the /64 for %j", (spelling) => {
    expect(addressKey(spelling, 64)).toBe("2001:db8:1:2::/64");
  });

  it("keeps other /64s apart", () => {
    expect(addressKey("2001:db8:1:3::1", 64)).toBe("2001:db8:1:3::/64");
    expect(addressKey("2001:db8:1:2::1", 64)).not.toBe(addressKey("2001:db8:1:3::1", 64));
  });

  it("cuts at the prefix it is given, on any bit", () => {
    expect(addressKey("2001:db8:1:2::1", 48)).toBe("2001:db8:1::/48");
    expect(addressKey("2001:db8:1:ff::1", 57)).toBe("2001:db8:1:80::/57");
    expect(addressKey("2001:db8:1:7f::1", 57)).toBe("2001:db8:1::/57");
    expect(addressKey("2001:DB8::0001", 128)).toBe("2001:db8::1");
    expect(addressKey("::1", 64)).toBe("::/64");
  });

  it("reads the prefix from IPV6_RATE_PREFIX, 64 unless set", () => {
    expect(addressKey("2001:db8:1:2::1")).toBe("2001:db8:1:2::/64");
    vi.stubEnv("IPV6_RATE_PREFIX", "56");
    expect(addressKey("2001:db8:1:2::1")).toBe("2001:db8:1::/56");
  });

  it.each(["unknown", "garbage", "", "203.0.113", "203.0.113.256", "2001:db8::1::2", "2001:db8:::1", "1.2.3.4%eth0"])(
    "leaves %j, which is not an address, as it came",
    (text) => {
      expect(parseAddress(text)).toBeNull();
      expect(addressKey(text, 64)).toBe(text.trim());
    },
  );
});

describe("IPV6_RATE_PREFIX", () => {
  it("takes 32 to 128 and names the variable otherwise", () => {
    expect(settings({ ...process.env, IPV6_RATE_PREFIX: "48" }).IPV6_RATE_PREFIX).toBe(48);
    expect(settings({ ...process.env, IPV6_RATE_PREFIX: "" }).IPV6_RATE_PREFIX).toBe(64);
    expect(() => settings({ ...process.env, IPV6_RATE_PREFIX: "16" })).toThrow("IPV6_RATE_PREFIX must be at least 32");
    expect(() => settings({ ...process.env, IPV6_RATE_PREFIX: "129" })).toThrow("IPV6_RATE_PREFIX must be at most 128");
    expect(() => settings({ ...process.env, IPV6_RATE_PREFIX: "64.5" })).toThrow("IPV6_RATE_PREFIX");
  });
});
