import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { NextConfig } from "next";

/**
 * The article pipeline's version, written into the build's code: renders kept on disk
 * (lib/content/article-cache.ts) are used only by the code that made them. A hash of what a
 * render depends on: the content wing's code (lib/content, lib/site.ts), the packages'
 * versions (package-lock.json) and this file (next/image's settings).
 */
function articlePipelineVersion(): string {
  // Not from a checkout (a server started away from its sources): renders are not kept.
  if (!fs.existsSync("lib/content")) return "";
  const hash = createHash("sha256");
  const files = [
    ...fs
      .readdirSync("lib/content", { recursive: true, encoding: "utf8" })
      .filter((name) => name.endsWith(".ts"))
      .sort()
      .map((name) => path.join("lib/content", name)),
    "lib/site.ts",
    "package-lock.json",
    "next.config.ts",
  ];
  for (const file of files) hash.update(`${file}\0`).update(fs.readFileSync(file)).update("\0");
  return hash.digest("hex").slice(0, 16);
}

const nextConfig: NextConfig = {
  // better-sqlite3 is a native addon; load it from node_modules rather than bundling it. Fedify (and
  // the Temporal polyfill its objects are made of) too: one copy, as Node.js loads it, so that its
  // classes and dates are the same objects for the app's code and for Fedify's.
  serverExternalPackages: ["better-sqlite3", "@fedify/fedify", "@js-temporal/polyfill"],
  poweredByHeader: false,
  env: { ARTICLE_PIPELINE_VERSION: articlePipelineVersion() },
  // `npm test` type-checks the whole project (tsc --noEmit) before it builds; its build skips
  // Next.js's second pass over the same files (tests/run.ts sets TYPES_CHECKED).
  typescript: { ignoreBuildErrors: process.env.TYPES_CHECKED === "1" },
  // `npm run dev` opened at 127.0.0.1 or [::1] rather than localhost: Next.js takes any other host
  // for a cross-site page and refuses its hot-reload websocket, writing a bare "Unauthorized" on the
  // socket that the browser reads as ERR_INVALID_HTTP_RESPONSE. Development only.
  allowedDevOrigins: ["127.0.0.1", "[::1]"],
  // proxy.ts sees requests as they came, with the router's RSC headers and ?_rsc, so that it tells
  // the router's requests from documents (lib/server/html-slots.ts).
  skipProxyUrlNormalize: true,
  experimental: {
    // Each route's code loads when it is first asked for, not all at start: a reader's requests
    // never load /admin, the importers, the social cards or the feeds (docs/performance.md, Memory).
    preloadEntriesOnStart: false,
    // A comment is at most 5,000 characters; no form of the site needs more than this.
    serverActions: { bodySizeLimit: "64kb" },
    // Next.js buffers a copy of each request body for proxy.ts up to this size (default 10 MB) and
    // cuts it there. proxy.ts refuses any past 64 KB, so a cut body never reaches a page, and an
    // oversized upload holds 1 MB of memory while it lasts, not 10.
    proxyClientMaxBodySize: "1mb",
  },
  // On every response, static files included; the Content-Security-Policy is set per response in
  // proxy.ts (it carries a nonce).
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "X-Frame-Options", value: "DENY" },
          {
            key: "Permissions-Policy",
            value: "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
          },
        ],
      },
    ];
  },
};

export default nextConfig;
