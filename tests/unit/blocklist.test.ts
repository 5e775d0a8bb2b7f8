import { describe, expect, it } from "vitest";
import { actionsFor, matchBlocks, mentionedHosts, normalizeBlock, type BlockRule } from "@/lib/comments/blocklist";
import { flagsIn } from "@/lib/comments/flags";
import { t } from "@/lib/i18n";

// Bans and blocklists (lib/comments/blocklist.ts): what a moderator may enter, and what it matches.

const rule = (kind: BlockRule["kind"], value: string, more: Partial<BlockRule> = {}): BlockRule => ({
  id: `${kind}:${value}`,
  kind,
  value,
  action: "queue",
  ...more,
});
const matches = (rules: BlockRule[], candidate: Partial<Parameters<typeof matchBlocks>[0]> = {}, now?: Date) =>
  matchBlocks(
    { name: "Ada", body: "Hello there", ip: "203.0.113.7", browserId: "b-12345678", ...candidate },
    rules,
    now,
  ).flatMap((m) => flagsIn(t, m.reason)); // as /admin words the flag, in English

describe("entries as the moderator types them", () => {
  it.each([
    ["address", " 203.0.113.7 ", "203.0.113.7"],
    ["address", "::ffff:203.0.113.7", "203.0.113.7"],
    ["address", "203.0.113.0/24", "203.0.113.0/24"],
    ["address", "203.0.113.7/32", "203.0.113.7"],
    ["address", "2001:db8::/64", "2001:db8::/64"],
    ["address", "2001:DB8:1:2::5/64", "2001:db8:1:2::/64"],
    ["address", "2001:0db8:0001:0002:0000:0000:0000:0005", "2001:db8:1:2::5"],
    ["address", "2001:db8::5/128", "2001:db8::5/128"],
    ["address", "203.0.113.77/24", "203.0.113.0/24"],
    ["address", "::ffff:203.0.113.7/120", "203.0.113.0/24"],
    ["domain", "https://www.Spam.Example/buy?now", "spam.example"],
    ["domain", "spam.example.", "spam.example"],
    ["domain", "bücher.example", "xn--bcher-kva.example"],
    ["word", "  Free   Money ", "free money"],
    ["word", "casino*", "casino*"],
    ["name", "Tr0ll", "Tr0ll"],
    ["browser", "3f1c2a9e-1111-4aaa-8bbb-123456789abc", "3f1c2a9e-1111-4aaa-8bbb-123456789abc"],
  ] as const)("%s %j is kept as %j", (kind, raw, value) => {
    expect(normalizeBlock(kind, raw)).toEqual({ ok: true, value });
  });

  it.each([
    ["address", "203.0.113"],
    ["address", "203.0.113.0/33"],
    ["address", "10.0.0.0/8/1"],
    ["address", "2001:db8::/129"],
    ["address", "2001:db8::/x"],
    ["address", "2001:db8::1::2"],
    ["address", "::ffff:203.0.113.7/64"],
    ["address", "localhost"],
    ["domain", "not a domain"],
    ["domain", "localhost"],
    ["word", "   "],
    ["word", "!!!"],
    ["name", "..."],
    ["browser", "short"],
    ["word", "x".repeat(201)],
  ] as const)("%s %j is refused with a reason", (kind, raw) => {
    const result = normalizeBlock(kind, raw);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.length).toBeGreaterThan(5);
  });

  it("gives words and domains no shadow: they are not people", () => {
    expect(actionsFor("word")).toEqual(["queue", "refuse"]);
    expect(actionsFor("domain")).toEqual(["queue", "refuse"]);
    expect(actionsFor("address")).toEqual(["shadow", "queue", "refuse"]);
  });
});

describe("matching", () => {
  it("matches an address, a range of either family, and an IPv4 address written as IPv6", () => {
    expect(matches([rule("address", "203.0.113.7")])).toEqual(["Banned address 203.0.113.7"]);
    expect(matches([rule("address", "203.0.113.0/24")], { ip: "203.0.113.250" })).toHaveLength(1);
    expect(matches([rule("address", "203.0.113.0/24")], { ip: "203.0.114.1" })).toEqual([]);
    expect(matches([rule("address", "203.0.113.7")], { ip: "::ffff:203.0.113.7" })).toHaveLength(1);
    expect(matches([rule("address", "2001:db8::/64")], { ip: "2001:db8::abcd:1" })).toHaveLength(1);
    expect(matches([rule("address", "2001:db8::/64")], { ip: "2001:db9::1" })).toEqual([]);
    expect(matches([rule("address", "203.0.113.7")], { ip: null })).toEqual([]);
    expect(matches([rule("address", "203.0.113.7")], { ip: "unknown" })).toEqual([]);
  });

  it("bans with a plain IPv6 address the block one client holds (IPV6_RATE_PREFIX), with /128 the one address", () => {
    const plain = [rule("address", "2001:db8:1:2::5")];
    expect(matches(plain, { ip: "2001:db8:1:2:ffff::9" })).toEqual(["Banned address 2001:db8:1:2::5"]);
    expect(matches(plain, { ip: "2001:DB8:1:2::5%eth0" })).toHaveLength(1);
    expect(matches(plain, { ip: "2001:db8:1:3::5" })).toEqual([]);
    const one = [rule("address", "2001:db8:1:2::5/128")];
    expect(matches(one, { ip: "2001:0db8:0001:0002::0005" })).toHaveLength(1);
    expect(matches(one, { ip: "2001:db8:1:2::6" })).toEqual([]);
    const candidate = { name: "Ada", body: "Hi", ip: "2001:db8:1:2:ff::1", browserId: null };
    expect(matchBlocks(candidate, [rule("address", "2001:db8:1:1::1")], new Date(), 48)).toHaveLength(1);
    expect(matchBlocks(candidate, [rule("address", "2001:db8:1:1::1")], new Date(), 64)).toEqual([]);
  });

  it("matches a range by its prefix, not by how the address is spelled", () => {
    const range = [rule("address", "2001:db8:1:2::/64")];
    expect(matches(range, { ip: "2001:0db8:0001:0002:abcd:0000:0000:0001" })).toHaveLength(1);
    expect(matches(range, { ip: "2001:db8:1:2::" })).toHaveLength(1);
    expect(matches(range, { ip: "2001:db8:1:1:ffff:ffff:ffff:ffff" })).toEqual([]);
    expect(matches([rule("address", "2001:db8::/32")], { ip: "2001:db8:ffff::1" })).toHaveLength(1);
    expect(matches([rule("address", "203.0.113.0/24")], { ip: "::ffff:203.0.113.9" })).toHaveLength(1);
  });

  it("matches a browser id exactly, with the moderator's note", () => {
    expect(matches([rule("browser", "b-12345678", { note: "Troll on caching" })])).toEqual([
      "Banned browser (Troll on caching)",
    ]);
    expect(matches([rule("browser", "b-12345678")], { browserId: null })).toEqual([]);
  });

  it("matches a name and its look-alikes, not names that merely contain it", () => {
    for (const name of ["Troll", "tr0ll", "T R O L L", "Тrоll", "Ｔｒｏｌｌ"])
      expect(matches([rule("name", "Troll")], { name }), name).toEqual(["Banned name “Troll”"]);
    expect(matches([rule("name", "Troll")], { name: "Trollhunter" })).toEqual([]);
  });

  it("matches whole words and phrases in the name and the text, look-alikes and case aside", () => {
    const casino = [rule("word", "casino")];
    for (const body of [
      "Best CASINO in town",
      "best cas1no",
      "best cаsino",
      "best c\u200Basino",
      "casino!",
      "ｃａｓｉｎｏ",
    ])
      expect(matches(casino, { body }), body).toEqual(["Blocked word “casino”"]);
    expect(matches(casino, { body: "casinos and occasional visits" })).toEqual([]);
    expect(matches(casino, { name: "Casino Bob" })).toHaveLength(1);
    expect(matches([rule("word", "casino*")], { body: "casinos galore" })).toHaveLength(1);
    expect(matches([rule("word", "free money")], { body: "Get FREE  money, now" })).toHaveLength(1);
    expect(matches([rule("word", "free money")], { body: "free of money worries" })).toEqual([]);
  });

  it("matches a domain and its subdomains, linked or written out, not a longer name that ends alike", () => {
    const spam = [rule("domain", "spam.example")];
    for (const body of [
      "see https://spam.example/x",
      "[here](http://shop.SPAM.example)",
      "[ref][1]\n\n[1]: https://www.spam.example",
      "go to spam.example today",
    ])
      expect(matches(spam, { body }), body).toEqual(["Blocked domain spam.example"]);
    expect(matches(spam, { body: "https://notspam.example" })).toEqual([]);
    expect(matches(spam, { body: "https://spam.example.org" })).toEqual([]);
  });

  it("leaves out entries that have ended", () => {
    const now = new Date("2026-06-01T00:00:00Z");
    const ended = rule("name", "Ada", { expiresAt: new Date("2026-05-31T00:00:00Z") });
    const running = rule("name", "Ada", { expiresAt: new Date("2026-06-02T00:00:00Z") });
    expect(matches([ended], {}, now)).toEqual([]);
    expect(matches([running], {}, now)).toHaveLength(1);
  });

  it("lists the hosts a comment names", () => {
    expect([...mentionedHosts("visit Shop.Example and www.other.example", ["https://linked.example/a"])]).toEqual([
      "linked.example",
      "shop.example",
      "other.example",
    ]);
  });
});
