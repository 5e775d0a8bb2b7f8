// The social card never reaches out of the server: next/og fetches a font from Google Fonts, or an
// emoji's image from a CDN, for any character its fonts lack; the card leaves those characters out
// (lib/server/card-fonts.ts's drawableText). Here an article whose title and author hold an emoji,
// a private-use character, Thai, Devanagari and a lone surrogate, drawn by the card's route with
// every way out recorded: fetch and any socket.
import { createElement } from "react";
import net from "node:net";
import { ImageResponse } from "next/og";
import sharp from "sharp";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";

const dir = await vi.hoisted(async () => {
  // Before any module reads CONTENT_DIR (lib/content/content-store.ts reads it once).
  const { mkdtempSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const made = mkdtempSync(`${tmpdir()}/marginalia-card-offline-`);
  process.env.CONTENT_DIR = made;
  return made;
});

import fs from "node:fs";
import path from "node:path";
import ArticleImage from "@/app/articles/[slug]/opengraph-image";
import { listArticles } from "@/lib/content/articles";
import { cardFonts, drawableText } from "@/lib/server/card-fonts";

// YAML's escapes: 🎉, a private-use character, a lone high surrogate.
const TITLE = String.raw`Launch day \U0001F389 \uE000 ภาษาไทย नमस्ते \uD800 and after`;
const AUTHOR = String.raw`Ada \U0001F469\u200D\U0001F4BB Lovelace \U000F0000 สมชาย देव \uDBFF`;

fs.writeFileSync(path.join(dir, "authors.yml"), `- name: "${AUTHOR}"\n  bio: Wrote the first program.\n`);
fs.writeFileSync(
  path.join(dir, "out-of-the-fonts.md"),
  `---\ntitle: "${TITLE}"\ndescription: A card with characters no card font has.\nauthor: "${AUTHOR}"\ndate: 2026-01-05\ntags: [Cards]\n---\n\nBody.\n`,
);

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const realFetch = globalThis.fetch;
/** Every attempt to leave the process: fetch's and any socket's. */
const attempts: string[] = [];
const errors: string[] = [];

beforeEach(() => {
  attempts.length = 0;
  errors.length = 0;
  vi.stubGlobal("fetch", async (input: unknown) => {
    const url = String(input instanceof Request ? input.url : input);
    // next/og reads its own WebAssembly from a data: address.
    if (url.startsWith("data:")) return realFetch(url);
    attempts.push(`fetch ${url}`);
    throw new TypeError("fetch failed");
  });
  const connect = net.Socket.prototype.connect;
  vi.spyOn(net.Socket.prototype, "connect").mockImplementation(function (this: net.Socket, ...args: unknown[]) {
    attempts.push(`connect ${JSON.stringify(args[0])}`);
    return (connect as (...a: unknown[]) => net.Socket).apply(this, args);
  });
  for (const level of ["error", "warn", "log"] as const)
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void errors.push(args.map(String).join(" ")));
});

afterEach(() => {
  vi.unstubAllGlobals();
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

async function card() {
  const response = await ArticleImage({ params: Promise.resolve({ slug: "out-of-the-fonts" }) });
  expect(response.headers.get("Content-Type")).toBe("image/png");
  return sharp(Buffer.from(await response.arrayBuffer())).metadata();
}

describe("the social card of words no card font has", () => {
  it.each(["en", "ja"])("is a PNG drawn with nothing fetched on a %s site", async (tag) => {
    vi.stubEnv("SITE_LANGUAGE", tag);
    const [article] = listArticles();
    for (const char of ["\u{1F389}", "\uE000", "ไทย", "नमस्ते", "\uD800"]) expect(article.title).toContain(char);
    for (const char of ["\u{1F4BB}", "\u{F0000}", "สมชาย", "देव", "\uDBFF"]) expect(article.author).toContain(char);
    const { format, width, height } = await card();
    expect({ format, width, height }).toEqual({ format: "png", width: 1200, height: 630 });
    expect(attempts).toEqual([]);
    expect(errors.filter((line) => /dynamic font|emoji/i.test(line))).toEqual([]);
  });

  it("keeps the words the fonts have, without the others", async () => {
    const title = TITLE.replace(/\\u([0-9A-F]{4})|\\U([0-9A-F]{8})/g, (_, short, long) =>
      String.fromCodePoint(parseInt(short ?? long, 16)),
    );
    expect(drawableText(title, undefined)).toBe("Launch day and after");
    vi.stubEnv("SITE_LANGUAGE", "ja");
    expect(drawableText(`東京 🎉 ${title} 𠮷`, await cardFonts(`東京 ${title} 𠮷`))).toBe(
      "東京 Launch day and after 𠮷",
    );
  });

  it("would have reached out when next/og was given them: what the recording above would see", async () => {
    const element = createElement("div", { style: { display: "flex" } }, "Unchecked \u{E001} \u{1F680}");
    // The emoji's failed fetch fails the whole drawing; the private-use character's is only logged.
    await expect(new ImageResponse(element, { width: 200, height: 50 }).arrayBuffer()).rejects.toThrow("fetch failed");
    expect(attempts.some((attempt) => attempt.includes("twemoji"))).toBe(true);
    expect(attempts.some((attempt) => attempt.includes("fonts.googleapis.com"))).toBe(true);
    expect(errors.some((line) => line.includes("Failed to load dynamic font"))).toBe(true);
  });
});
