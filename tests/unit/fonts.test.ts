// The web fonts' fallbacks take the room the fonts will (no layout shift when they arrive), and
// only the Latin files are declared, the upright ones preloaded, each at an address of its bytes.
import { describe, expect, it } from "vitest";
import { fallbackOverrides, fontFaceCss, fontFile, fontStylesheet, preloadedFonts } from "@/lib/server/fonts";

describe("the fonts' fallbacks", () => {
  it("scale Arial to Inter as next/font does: the same average width, ascent and descent", () => {
    const inter = { unitsPerEm: 2048, ascent: 1984, descent: -494, lineGap: 0, xWidthAvg: 978 };
    const arial = { unitsPerEm: 2048, ascent: 1854, descent: -434, lineGap: 67, xWidthAvg: 913 };
    expect(fallbackOverrides(inter, arial)).toEqual({
      "size-adjust": "107.12%",
      "ascent-override": "90.44%",
      "descent-override": "22.52%",
      "line-gap-override": "0.00%",
    });
  });

  it("are declared for both families, upright and italic serif, on local fonts only", () => {
    const css = fontFaceCss();
    expect(css).toContain('font-family:"Inter Fallback";font-style:normal;src:local("Arial")');
    expect(css).toMatch(/font-family:"Source Serif 4 Fallback";font-style:italic;src:local\("Georgia Italic"\)/);
    expect(css.match(/size-adjust:/g)).toHaveLength(3);
  });
});

describe("the web fonts", () => {
  it("are the Latin and Latin Extended files only, the two upright Latin ones preloaded", () => {
    const css = fontFaceCss();
    expect(css.match(/src:url\(/g)).toHaveLength(6);
    expect(css).not.toMatch(/cyrillic|greek|vietnamese/);
    expect(preloadedFonts()).toEqual([
      expect.stringMatching(/^\/fonts\/source-serif-4-latin-wght-normal\.[\w-]{10}\.woff2$/),
      expect.stringMatching(/^\/fonts\/inter-latin-wght-normal\.[\w-]{10}\.woff2$/),
    ]);
  });

  it("are served by the name in their address, with their rules as a stylesheet, and nothing else is", () => {
    const [serif] = preloadedFonts();
    const font = fontFile(serif.slice("/fonts/".length));
    expect(font?.type).toBe("font/woff2");
    expect(font?.bytes.subarray(0, 4).toString()).toBe("wOF2");
    expect(fontStylesheet()).toMatch(/^\/fonts\/faces\.[\w-]{10}\.css$/);
    const rules = fontFile(fontStylesheet().slice("/fonts/".length));
    expect(rules?.type).toBe("text/css; charset=utf-8");
    expect(rules?.bytes.toString()).toBe(fontFaceCss());
    expect(fontFile("source-serif-4-latin-wght-normal.woff2")).toBeUndefined();
    expect(fontFile("../package.json")).toBeUndefined();
  });
});
