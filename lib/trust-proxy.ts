import { BlockList, isIP, isIPv6 } from "node:net";

// Which proxies in front of the site may tell it the client's address (X-Forwarded-For) and how it
// was reached (X-Forwarded-Proto, -Host): TRUST_PROXY, in the spirit of Express's `trust proxy`.
// Anyone can write those headers, so by default none is believed and the client is the TCP peer.

export type TrustProxy =
  | { kind: "none" }
  /** The nearest `count` hops are the operator's proxies, whatever their addresses. */
  | { kind: "hops"; count: number }
  /** Hops from these addresses (and ranges) are the operator's proxies. */
  | { kind: "addresses"; list: BlockList };

const family = (address: string) => (isIPv6(address) ? "ipv6" : "ipv4");

/** An IPv4 client reaching a dual-stack socket shows as ::ffff:a.b.c.d; one address, one spelling. */
const normalizeAddress = (address: string) => address.trim().replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, "$1");

/**
 * Reads TRUST_PROXY: unset or `0` (no proxy), a hop count (`1` for one proxy in front), or a comma
 * list of addresses, CIDR ranges and `loopback` (`127.0.0.1,10.0.0.0/8`). Throws on anything else.
 */
export function parseTrustProxy(value: string | undefined): TrustProxy {
  const text = value?.trim() ?? "";
  if (text === "" || text === "0") return { kind: "none" };
  if (/^\d+$/.test(text)) return { kind: "hops", count: Number(text) };
  const list = new BlockList();
  for (const item of text.split(",").map((part) => part.trim())) {
    if (item === "loopback") {
      list.addSubnet("127.0.0.0", 8, "ipv4");
      list.addAddress("::1", "ipv6");
      continue;
    }
    const [address, prefix, extra] = item.split("/");
    const bits = isIP(address) === 4 ? 32 : 128;
    if (
      !isIP(address) ||
      extra !== undefined ||
      (prefix !== undefined && !(/^\d+$/.test(prefix) && Number(prefix) <= bits))
    ) {
      throw new Error(`"${item}" is not a hop count, an address, a CIDR range or loopback`);
    }
    if (prefix === undefined) list.addAddress(address, family(address));
    else list.addSubnet(address, Number(prefix), family(address));
  }
  return { kind: "addresses", list };
}

/** Whether the hop `index` steps from the site (0: the TCP peer), seen as `address`, is a trusted proxy. */
function trustedHop(address: string, index: number, trust: TrustProxy): boolean {
  if (trust.kind === "hops") return index < trust.count;
  if (trust.kind === "addresses") return isIP(address) !== 0 && trust.list.check(address, family(address));
  return false;
}

/** Whether the TCP peer is one of the operator's proxies, so its X-Forwarded-* headers are believed. */
export function trustsPeer(peer: string, trust: TrustProxy): boolean {
  return trustedHop(normalizeAddress(peer), 0, trust);
}

/**
 * The client's address: the TCP peer, or, while that is a trusted proxy, the address it appended to
 * X-Forwarded-For, walking the header from the right. What the client wrote itself (the left part)
 * is never reached: the walk stops at the first hop that is not a trusted proxy.
 */
export function clientAddress(peer: string, forwardedFor: string, trust: TrustProxy): string {
  const forwarded = forwardedFor.split(",").map(normalizeAddress).filter(Boolean);
  const hops = [normalizeAddress(peer), ...forwarded.reverse()];
  const client = hops.findIndex((address, index) => !trustedHop(address, index, trust));
  // Every hop trusted: the farthest one the proxies saw is the client.
  return hops[client === -1 ? hops.length - 1 : client];
}
