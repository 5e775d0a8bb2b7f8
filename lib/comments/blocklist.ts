import { BlockList } from "node:net";
import { networkOf, parseAddress } from "../server/address-key";
import { canonicalHost } from "../server/domain-key";
import { settings } from "../settings";
import { t } from "../i18n";
import { lookAlikeFold, nameSkeleton } from "./author-names";
import { linkUrls } from "../content/comment-markdown";
import { flagLine } from "./flags";

// Bans and blocklists: who may not comment (an address or range, a browser, a name and its
// look-alikes) and what a comment may not say (words, link domains). Pure: the rows come from
// lib/comments/moderation.ts, the decision is lib/comments/spam.ts's assessComment, the door is
// lib/comments/service/.

export const BAN_KINDS = ["address", "browser", "name"] as const;
export const LIST_KINDS = ["word", "domain"] as const;
export const BLOCK_KINDS = [...BAN_KINDS, ...LIST_KINDS] as const;
export type BlockKind = (typeof BLOCK_KINDS)[number];

/**
 * shadow: the comment is stored and shown to its author alone (a shadow ban); queue: it waits for
 * approval; refuse: it is not stored and the reader is told why.
 */
export const BLOCK_ACTIONS = ["shadow", "queue", "refuse"] as const;
export type BlockAction = (typeof BLOCK_ACTIONS)[number];

/** Which actions each kind takes: a word or domain is not a person, so it has no shadow. */
export function actionsFor(kind: BlockKind): readonly BlockAction[] {
  return (LIST_KINDS as readonly string[]).includes(kind) ? ["queue", "refuse"] : BLOCK_ACTIONS;
}

export type BlockRule = {
  id: string;
  kind: BlockKind;
  value: string;
  action: BlockAction;
  note?: string | null;
  expiresAt?: Date | null;
};

export const BLOCK_VALUE_MAX = 200;

export type Normalized = { ok: true; value: string } | { ok: false; error: string };

/**
 * An address rule as it is stored, or null: an IPv4 address (one client), an IPv6 address
 * without a prefix (the block of IPV6_RATE_PREFIX it is in, /64 by default, since that is what one
 * client holds: lib/server/address-key.ts), or a range in CIDR form, written from its first
 * address (2001:db8:1:2::5/64 is 2001:db8:1:2::/64; /128 is one IPv6 address alone). An IPv4
 * address mapped into IPv6 (::ffff:203.0.113.7) is the IPv4 address.
 */
export function normalizeAddressRule(text: string): string | null {
  const [written, prefixText, extra] = text.trim().split("/");
  const address = parseAddress(written);
  if (!address || extra !== undefined) return null;
  if (prefixText === undefined) return networkOf(address, address.family === 4 ? 32 : 128);
  if (!/^\d{1,3}$/.test(prefixText)) return null;
  // A mapped IPv4 range is counted in IPv6's bits: ::ffff:203.0.113.0/120 is 203.0.113.0/24.
  const mapped = address.family === 4 && written.includes(":");
  const prefix = Number(prefixText) - (mapped ? 96 : 0);
  if (prefix < 0 || prefix > (address.family === 4 ? 32 : 128)) return null;
  if (address.family === 4 && prefix === 32) return address.address;
  return `${networkOf(address, prefix)}/${prefix}`;
}

/** The range an address rule covers: a plain IPv6 address stands for its IPV6_RATE_PREFIX block. */
function ruleRange(
  value: string,
  ipv6Prefix: number,
): { network: string; prefix: number; family: "ipv4" | "ipv6" } | null {
  const [written, prefixText] = value.split("/");
  const address = parseAddress(written);
  if (!address) return null;
  const family = address.family === 4 ? "ipv4" : "ipv6";
  const prefix = prefixText !== undefined ? Number(prefixText) : address.family === 4 ? 32 : ipv6Prefix;
  return { network: networkOf(address, prefix), prefix, family };
}

/**
 * A moderator's entry as it is stored, or why it cannot be: an address or CIDR range; a browser id;
 * a name; a word or phrase (a trailing * matches any ending); a domain, from a bare host or a
 * whole address (https://www.spam.example/page is spam.example).
 */
export function normalizeBlock(kind: BlockKind, raw: string): Normalized {
  const value = raw.normalize("NFKC").trim().replace(/\s+/g, " ");
  if (!value) return { ok: false, error: t("admin.block.enterValue") };
  if ([...value].length > BLOCK_VALUE_MAX)
    return { ok: false, error: t("admin.block.atMost", { max: BLOCK_VALUE_MAX }) };
  switch (kind) {
    case "address": {
      const rule = normalizeAddressRule(value);
      return rule ? { ok: true, value: rule } : { ok: false, error: t("admin.block.badAddress") };
    }
    case "browser":
      return /^[A-Za-z0-9-]{8,64}$/.test(value)
        ? { ok: true, value }
        : { ok: false, error: t("admin.block.badBrowser") };
    case "name":
      return nameSkeleton(value) ? { ok: true, value } : { ok: false, error: t("admin.block.badName") };
    case "word": {
      const word = value.toLowerCase();
      return lookAlikeFold(word.replace(/\*$/, ""))
        ? { ok: true, value: word }
        : { ok: false, error: t("admin.block.badWord") };
    }
    case "domain": {
      const host = hostOf(/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`);
      return host && /^([a-z0-9-]+\.)+[a-z0-9-]+$/.test(host)
        ? { ok: true, value: host }
        : { ok: false, error: t("admin.block.badDomain") };
    }
  }
}

/** The host of an address, lower-cased (IDNs as punycode), without "www."; null when it has none. */
function hostOf(url: string): string | null {
  try {
    const host = new URL(url).hostname.toLowerCase().replace(/\.$/, "");
    return host.replace(/^www\./, "") || null;
  } catch {
    return null;
  }
}

/** What a comment is matched on: what the reader wrote, and where it came from. */
export type Candidate = {
  name: string;
  body: string;
  ip: string | null;
  browserId: string | null;
  /** The instance a fediverse reply came from (its actor's host): a blocked domain covers it. */
  instance?: string | null;
};

/** A rule the comment meets, and the flag saying so (lib/comments/flags.ts: worded when shown). */
export type BlockMatch = { rule: BlockRule; reason: string };

/** The hosts a comment names: those it links to and domain names written as text ("spam.example"). */
export function mentionedHosts(text: string, links: readonly string[]): Set<string> {
  const hosts = new Set<string>();
  for (const link of links) {
    const host = hostOf(link);
    if (host) hosts.add(host);
  }
  for (const token of domainNames(text.toLowerCase())) {
    const host = hostOf(`http://${token}`);
    if (host) hosts.add(host);
  }
  return hosts;
}

const TOP_LABEL = /^\p{L}[\p{L}\p{N}-]/u;

/**
 * What /(?:[\p{L}\p{N}-]+\.)+\p{L}[\p{L}\p{N}-]+/gu finds, in linear time: that regex backtracks
 * from every letter of a long word or of "a.a.a.…" (quadratic: 5,000 letters took 17 ms). Within a
 * run of letters, digits, hyphens and dots, each stretch of non-empty labels names a domain up to
 * its last label that starts with a letter and has two characters or more.
 */
function* domainNames(text: string): Generator<string> {
  for (const [run] of text.matchAll(/[\p{L}\p{N}.-]+/gu)) {
    if (!run.includes(".")) continue;
    let labels: string[] = [];
    for (const label of [...run.split("."), ""]) {
      if (label) {
        labels.push(label);
        continue;
      }
      let last = labels.length - 1;
      while (last > 0 && !TOP_LABEL.test(labels[last])) last--;
      if (last > 0) yield labels.slice(0, last + 1).join(".");
      labels = [];
    }
  }
}

/** Every rule in force (not expired) that the comment meets. */
export function matchBlocks(
  candidate: Candidate,
  rules: readonly BlockRule[],
  now = new Date(),
  ipv6Prefix = settings().IPV6_RATE_PREFIX,
): BlockMatch[] {
  const live = rules.filter((rule) => !rule.expiresAt || rule.expiresAt > now);
  if (live.length === 0) return [];
  const matches: BlockMatch[] = [];
  const client = candidate.ip ? parseAddress(candidate.ip) : null;
  const skeleton = nameSkeleton(candidate.name);
  // Words are looked for in the name and the text, folded alike, between word boundaries.
  const folded = ` ${lookAlikeFold(`${candidate.name}\n${candidate.body}`)} `;
  let hosts: Set<string> | undefined;
  for (const rule of live) {
    const note: Record<string, string> = rule.note ? { note: rule.note } : {};
    switch (rule.kind) {
      case "address": {
        const range = client && ruleRange(rule.value, ipv6Prefix);
        if (!client || !range) break;
        const list = new BlockList();
        list.addSubnet(range.network, range.prefix, range.family);
        if (list.check(networkOf(client, client.family === 4 ? 32 : 128), client.family === 4 ? "ipv4" : "ipv6"))
          matches.push({ rule, reason: flagLine("banned-address", { value: rule.value, ...note }) });
        break;
      }
      case "browser":
        if (candidate.browserId && candidate.browserId === rule.value)
          matches.push({ rule, reason: flagLine("banned-browser", note) });
        break;
      case "name":
        if (skeleton && skeleton === nameSkeleton(rule.value))
          matches.push({ rule, reason: flagLine("banned-name", { value: rule.value, ...note }) });
        break;
      case "word": {
        const prefix = rule.value.endsWith("*");
        const word = lookAlikeFold(prefix ? rule.value.slice(0, -1) : rule.value);
        if (word && folded.includes(prefix ? ` ${word}` : ` ${word} `))
          matches.push({ rule, reason: flagLine("blocked-word", { value: rule.value }) });
        break;
      }
      case "domain":
        hosts ??= mentionedHosts(`${candidate.name}\n${candidate.body}`, linkUrls(candidate.body));
        // One spelling, as the rule's: "EVIL.example." is evil.example.
        if (candidate.instance) hosts.add(canonicalHost(candidate.instance));
        if ([...hosts].some((host) => host === rule.value || host.endsWith(`.${rule.value}`)))
          matches.push({ rule, reason: flagLine("blocked-domain", { value: rule.value }) });
        break;
    }
  }
  return matches;
}
