import { isIPv4, isIPv6 } from "node:net";
import { settings } from "../settings";

// One client, one key: the rate limits, the 👍 limits, the follow forms, the mail-link clicks and
// the admin's lock-out count per key, and a ban of a plain IPv6 address covers the same block. An
// IPv4 address is a client; an IPv6 client is handed a whole /64 (a household, a VPS) and can
// take any address in it, so it is keyed by its prefix (IPV6_RATE_PREFIX, 64 by default). Addresses
// are parsed, not matched by pattern: node:net says whether it is one, the WHATWG URL parser
// writes it in its one canonical form (lower case, zeros compressed, a dotted IPv4 tail as hex).

export type ParsedAddress = { family: 4; address: string } | { family: 6; words: number[] };

/**
 * An address in any of its spellings (`[…]` brackets, a `%zone` suffix, upper case, zeros written
 * out, an IPv4 address mapped into IPv6), or null when it is not one. A mapped IPv4 address
 * (::ffff:a.b.c.d, in any spelling) is that IPv4 address: one client, one spelling.
 */
export function parseAddress(text: string): ParsedAddress | null {
  let value = text.trim();
  if (value.startsWith("[") && value.endsWith("]")) value = value.slice(1, -1);
  if (isIPv4(value)) return { family: 4, address: value };
  // The zone (fe80::1%eth0) names the machine's own interface, not another client.
  const zone = value.indexOf("%");
  if (zone > 0 && isIPv6(value)) value = value.slice(0, zone);
  if (!isIPv6(value)) return null;
  const words = ipv6Words(value);
  if (words.slice(0, 5).every((word) => word === 0) && words[5] === 0xffff) {
    return { family: 4, address: [words[6] >> 8, words[6] & 255, words[7] >> 8, words[7] & 255].join(".") };
  }
  return { family: 6, words };
}

/** The eight 16-bit words of a valid IPv6 address. */
function ipv6Words(address: string): number[] {
  const [head, tail] = canonicalIpv6(address).split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const zeros = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill("0");
  return [...left, ...zeros, ...right].map((word) => parseInt(word, 16));
}

/** RFC 5952's form of a valid IPv6 address, as the URL parser writes it. */
const canonicalIpv6 = (address: string) => new URL(`http://[${address}]/`).hostname.slice(1, -1);

/** The address with every bit past `prefix` cleared, in its canonical spelling. */
export function networkOf(address: ParsedAddress, prefix: number): string {
  if (address.family === 4) {
    const bytes = address.address.split(".").map(Number);
    return bytes.map((byte, i) => byte & maskByte(prefix - i * 8)).join(".");
  }
  const words = address.words.map(
    (word, i) => word & ((maskByte(prefix - i * 16) << 8) | maskByte(prefix - i * 16 - 8)),
  );
  return canonicalIpv6(words.map((word) => word.toString(16)).join(":"));
}

/** The bits of a byte that `bits` (how many remain of the prefix) keep. */
const maskByte = (bits: number) => (bits >= 8 ? 255 : bits <= 0 ? 0 : (255 << (8 - bits)) & 255);

/**
 * The key a client address is counted under: an IPv4 address as it is, an IPv6 address as its
 * `ipv6Prefix` block (`2001:db8:1:2::/64`), and anything else (`unknown`, started without
 * server.ts) as it came.
 */
export function addressKey(address: string, ipv6Prefix = settings().IPV6_RATE_PREFIX): string {
  const parsed = parseAddress(address);
  if (!parsed) return address.trim();
  if (parsed.family === 4) return parsed.address;
  return ipv6Prefix >= 128 ? networkOf(parsed, 128) : `${networkOf(parsed, ipv6Prefix)}/${ipv6Prefix}`;
}
