import { createHash } from "node:crypto";
import { expect, it, vi } from "vitest";
import { THEME_SCRIPT, THEME_SCRIPT_HASH } from "@/lib/theme";

it("reads SITE_URL, drops a trailing slash, and refuses what is not an http(s) URL", async () => {
  const load = async (value: string | undefined) => {
    vi.resetModules();
    vi.stubEnv("SITE_URL", value);
    try {
      return (await import("@/lib/site")).site.url;
    } finally {
      vi.unstubAllEnvs();
    }
  };
  expect(await load(undefined)).toBe("http://localhost:3000");
  expect(await load("https://marginalia.example/")).toBe("https://marginalia.example");
  await expect(load("ftp://marginalia.example")).rejects.toThrow(/SITE_URL must be an http\(s\) URL/);
  await expect(load("marginalia.example")).rejects.toThrow(/SITE_URL/);
});

it("keeps the theme script's text, which a Content-Security-Policy will allow by this hash", () => {
  // Changing the script? Update this hash and the policy that lists it.
  const hash = createHash("sha256").update(THEME_SCRIPT).digest("base64");
  expect(`'sha256-${hash}'`).toBe("'sha256-HIEGXlvDIKYgCvIvid8xkas/KyuTUMkWQ6Ewkm3cmxY='");
  // …and proxy.ts lists this one in the policy.
  expect(THEME_SCRIPT_HASH).toBe(`sha256-${hash}`);
});
