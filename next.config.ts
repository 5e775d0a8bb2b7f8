import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // better-sqlite3 is a native addon; load it from node_modules rather than bundling it.
  serverExternalPackages: ["better-sqlite3"],
  poweredByHeader: false,
  experimental: {
    // A comment is at most 5,000 characters; no form of the site needs more than this.
    serverActions: { bodySizeLimit: "64kb" },
  },
};

export default nextConfig;
