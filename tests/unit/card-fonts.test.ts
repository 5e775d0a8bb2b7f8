// The social card draws a Japanese or Chinese title in glyphs: next/og's own font has none of
// them, and would draw every character as the same empty box (after asking the network for a
// font), so each character must be in the card's fonts and drawn unlike the others.
import { createElement } from "react";
import { ImageResponse } from "next/og";
import sharp from "sharp";
import { afterEach, describe, expect, it, vi } from "vitest";
import { cardFonts, drawableText } from "@/lib/server/card-fonts";

async function pixels(text: string, fonts: Awaited<ReturnType<typeof cardFonts>>): Promise<Buffer> {
  const element = createElement(
    "div",
    { style: { display: "flex", width: "100%", height: "100%", background: "#fff", fontSize: 64 } },
    text,
  );
  const png = Buffer.from(await new ImageResponse(element, { width: 400, height: 96, fonts }).arrayBuffer());
  return sharp(png).greyscale().raw().toBuffer();
}

const differing = (a: Buffer, b: Buffer) => a.reduce((count, value, i) => count + (value === b[i] ? 0 : 1), 0);

describe("the social card's fonts", () => {
  afterEach(() => vi.unstubAllEnvs());

  it.each([
    ["ja", "日本語の記事、東京"],
    ["zh-Hans", "中文文章标题：北京"],
  ])("draw every character of a %s title, none as an empty box", async (tag, title) => {
    vi.stubEnv("SITE_LANGUAGE", tag);
    const fonts = await cardFonts(title);
    // Every character is in one of the fonts (drawableText keeps only those: next/og would fetch
    // the others), and each is drawn otherwise than the others and than nothing: an empty box, the
    // same for every character it stands for, would be drawn alike.
    expect(drawableText(title, fonts)).toBe(title);
    const blank = await pixels(" ", fonts);
    const drawn = await Promise.all([...new Set(title)].map((char) => pixels(char, fonts)));
    drawn.forEach((one, i) => {
      expect(differing(one, blank)).toBeGreaterThan(40);
      for (const other of drawn.slice(i + 1)) expect(differing(one, other)).toBeGreaterThan(40);
    });
  });

  it("are next/og's own for Latin, Arabic and Urdu sites; for Japanese the slices of the text only", async () => {
    for (const tag of ["fr", "ar", "ur"]) {
      vi.stubEnv("SITE_LANGUAGE", tag);
      expect(await cardFonts("Un titre, عنوان")).toBeUndefined();
    }
    vi.stubEnv("SITE_LANGUAGE", "ja");
    const fonts = (await cardFonts("日本"))!;
    expect(fonts[0].name).toBe("Geist");
    expect(fonts.length).toBeGreaterThan(1);
    expect(fonts.length).toBeLessThan(5);
  });

  it.each([
    ["a Japanese title", "東京のカフェ", undefined],
    ["a Chinese title", "北京的咖啡馆", undefined],
    ["a title in Chinese characters alone, of an article in Japanese", "東京", "ja"],
  ])("draw %s on an English site too, rather than leave it out", async (_, title, lang) => {
    vi.stubEnv("SITE_LANGUAGE", "en");
    const fonts = await cardFonts(`Marginalia ${title}`, lang);
    expect(fonts?.length).toBeGreaterThan(1);
    expect(drawableText(`Notes: ${title}`, fonts)).toBe(`Notes: ${title}`);
  });
});
