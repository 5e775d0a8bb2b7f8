import "server-only";
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import http from "node:http";
import https from "node:https";
import { BlockList, isIP, type LookupFunction } from "node:net";

// Fetching what another site names (a Webmention's source, a linked page's endpoint, the actors,
// keys and contexts the fediverse names: document-loader.ts): the address it resolves to is checked
// when the connection is made (the socket's own lookup, so a name that answers a public address to
// a first look and a private one to the second gains nothing), private and loopback addresses
// refused unless the test-only FEDIVERSE_ALLOW_PRIVATE_ADDRESS is set; redirects, time and size
// bounded.

const PRIVATE = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 3],
] as const)
  PRIVATE.addSubnet(net, prefix, "ipv4");
for (const [net, prefix] of [
  ["::", 127],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
  ["64:ff9b::", 96],
  ["2001:db8::", 32],
] as const)
  PRIVATE.addSubnet(net, prefix, "ipv6");

/** Whether an address is one a fetch may reach (an IPv4-mapped IPv6 address is judged as its IPv4). */
export function isPublicAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return isPublicAddress(mapped[1]);
  const family = isIP(address);
  if (family === 0) return false;
  return !PRIVATE.check(address, family === 4 ? "ipv4" : "ipv6");
}

export type FetchLimits = {
  allowPrivateAddress: boolean;
  /** The largest body read; a longer one is cut there (`truncated`). */
  maxBytes: number;
  timeoutMs: number;
  maxRedirects: number;
};

export const DEFAULT_LIMITS: Omit<FetchLimits, "allowPrivateAddress"> = {
  maxBytes: 1024 * 1024,
  timeoutMs: 10_000,
  maxRedirects: 5,
};

export type Fetched = {
  status: number;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  truncated: boolean;
};

export class FetchRefused extends Error {}

function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, "", 0);
      const bad = !allowPrivate && addresses.find((a) => !isPublicAddress(a.address));
      if (bad || addresses.length === 0) {
        return callback(new FetchRefused(`${hostname} resolves to a private address`), "", 0);
      }
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      callback(null, addresses[0].address, addresses[0].family);
    });
  };
}

function once(
  url: URL,
  init: { method: string; headers: Record<string, string>; body?: string },
  limits: FetchLimits,
  signal: AbortSignal,
): Promise<Fetched> {
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new FetchRefused(`not http(s): ${url.protocol}`);
  const literal = url.hostname.replace(/^\[|\]$/g, "");
  if (isIP(literal) && !limits.allowPrivateAddress && !isPublicAddress(literal)) {
    throw new FetchRefused(`${literal} is a private address`);
  }
  const client = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.request(
      url,
      { method: init.method, headers: init.headers, lookup: guardedLookup(limits.allowPrivateAddress), signal },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        let truncated = false;
        response.on("data", (chunk: Buffer) => {
          if (truncated) return;
          const room = limits.maxBytes - size;
          if (chunk.length > room) {
            chunks.push(chunk.subarray(0, room));
            size = limits.maxBytes;
            truncated = true;
            response.destroy();
            finish();
            return;
          }
          chunks.push(chunk);
          size += chunk.length;
        });
        let done = false;
        const finish = () => {
          if (done) return;
          done = true;
          resolve({
            status: response.statusCode ?? 0,
            url: url.href,
            headers: response.headers,
            body: Buffer.concat(chunks),
            truncated,
          });
        };
        response.on("end", finish);
        response.on("error", (error) => (truncated ? finish() : reject(error)));
      },
    );
    request.on("error", reject);
    request.end(init.body);
  });
}

/** A GET or a form POST, redirects followed (each hop checked again), within the limits. */
export async function safeFetch(
  url: string,
  limits: FetchLimits,
  init: {
    method?: "GET" | "POST";
    headers?: Record<string, string>;
    form?: Record<string, string>;
    /** The caller's own cancellation, besides the time limit. */
    signal?: AbortSignal;
  } = {},
): Promise<Fetched> {
  const timeout = AbortSignal.timeout(limits.timeoutMs);
  const signal = init.signal ? AbortSignal.any([timeout, init.signal]) : timeout;
  const headers: Record<string, string> = { "user-agent": "Marginalia (Webmention)", ...init.headers };
  let body: string | undefined;
  if (init.form) {
    body = new URLSearchParams(init.form).toString();
    headers["content-type"] = "application/x-www-form-urlencoded";
  }
  let current = new URL(url);
  let method = init.method ?? "GET";
  for (let hop = 0; ; hop++) {
    const answer = await once(current, { method, headers, body }, limits, signal);
    const location = answer.headers.location;
    if (answer.status < 300 || answer.status >= 400 || answer.status === 304 || !location) return answer;
    if (hop >= limits.maxRedirects) throw new FetchRefused(`more than ${limits.maxRedirects} redirects`);
    current = new URL(location, current);
    // 301/302/303 turn a POST into a GET, as browsers do; 307/308 keep it.
    if (answer.status !== 307 && answer.status !== 308 && method === "POST") {
      method = "GET";
      body = undefined;
      delete headers["content-type"];
    }
  }
}
