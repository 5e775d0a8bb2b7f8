import { domainToASCII } from "node:url";
import { getDomain } from "tldts";
import { addressKey, parseAddress } from "./address-key";

// One site, one key: the limits per fediverse instance and per Webmention source domain count a
// host under its registrable domain (eTLD+1: a.evil.example and b.evil.example are both
// evil.example, a.b.co.uk is b.co.uk), so that whoever owns a domain cannot take a new limit with
// each subdomain. The Public Suffix List comes with tldts (offline, kept up to date by its
// maintainer); its private section counts too, so alice.github.io and bob.github.io, owned by
// different people, are two. A host that has no registrable domain (an IP literal, localhost, a
// public suffix itself) counts as itself, an IP literal as its client's key (address-key.ts: an
// IPv6 host as its /64, which one owner holds whole).

/** Longer than this is no DNS name (RFC 1035): kept as it came, and not read by the list. */
const NAME_MAX = 253;

/**
 * A host in one spelling: lower case, without the root's trailing dot or IPv6 brackets, an
 * internationalised name as punycode (as the URL parser writes it).
 */
export function canonicalHost(host: string): string {
  let value = host.trim().toLowerCase();
  if (value.startsWith("[") && value.endsWith("]")) return value.slice(1, -1);
  if (value.endsWith(".")) value = value.slice(0, -1);
  if (value.length > NAME_MAX || /^[\x21-\x7e]*$/.test(value)) return value;
  return domainToASCII(value) || value;
}

/** The domain a host counts under for limits: its registrable domain, else the host itself. */
export function domainKey(host: string, ipv6Prefix?: number): string {
  const canonical = canonicalHost(host);
  if (canonical.length > NAME_MAX) return canonical;
  if (parseAddress(canonical)) return addressKey(canonical, ipv6Prefix);
  return getDomain(canonical, { allowPrivateDomains: true, extractHostname: false }) ?? canonical;
}

/**
 * Whether a host is `domain` or one of its subdomains, by whole labels: a block of evil.example
 * covers a.evil.example, one of mastodon.social does not cover notmastodon.social.
 */
export function withinDomain(host: string, domain: string): boolean {
  const name = canonicalHost(host);
  const under = canonicalHost(domain);
  return under !== "" && (name === under || name.endsWith(`.${under}`));
}
