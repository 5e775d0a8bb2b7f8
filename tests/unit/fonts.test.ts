// The web fonts' fallbacks take the room the fonts will (no layout shift when they arrive), and
// only the Latin files are declared, the upright ones preloaded, each at an address of its bytes.
import { describe, expect, it, vi } from "vitest";
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

describe("the fonts of other scripts", () => {
  const inLanguage = <T>(tag: string, read: () => T): T => {
    vi.stubEnv("SITE_LANGUAGE", tag);
    try {
      return read();
    } finally {
      vi.unstubAllEnvs();
    }
  };

  it("are not declared, preloaded or served on a site in a Latin script", () => {
    for (const tag of ["en", "fr", "de", "es", "pt-BR"]) {
      const css = inLanguage(tag, fontFaceCss);
      expect(css).not.toMatch(/Noto/);
      expect(css.match(/src:url\(/g)).toHaveLength(6);
      expect(inLanguage(tag, preloadedFonts)).toHaveLength(2);
    }
  });

  it("give Arabic and Urdu their alphabet, preloaded and after the Latin family", () => {
    const arabic = inLanguage("ar", fontFaceCss);
    expect(arabic).toMatch(/font-family:"Noto Naskh Arabic Variable"[^}]*unicode-range:U\+0600-06FF/);
    expect(arabic).toContain('html:root{--serif:"Source Serif 4 Variable","Noto Naskh Arabic Variable"');
    expect(inLanguage("ar", preloadedFonts)[2]).toMatch(
      /^\/fonts\/noto-naskh-arabic-arabic-wght-normal\.[\w-]{10}\.woff2$/,
    );
    const urdu = inLanguage("ur", fontFaceCss);
    expect(urdu).toMatch(/font-family:"Noto Nastaliq Urdu";font-style:normal;font-weight:400/);
    expect(urdu).toMatch(/font-family:"Noto Nastaliq Urdu";font-style:normal;font-weight:700/);
    expect(urdu).not.toMatch(/Naskh/);
  });

  it("give Japanese and Chinese their slices, fetched by the characters a page shows, none preloaded", () => {
    const japanese = inLanguage("ja", fontFaceCss);
    expect(japanese.match(/font-family:"Noto Serif JP Variable"/g)!.length).toBeGreaterThan(100);
    expect(inLanguage("ja", preloadedFonts)).toHaveLength(2);
    expect(inLanguage("zh-Hans", fontFaceCss)).toContain('"Noto Serif SC Variable"');
  });

  it("are served to their own language's site only", () => {
    const url = inLanguage("ar", preloadedFonts)[2];
    const name = url.slice("/fonts/".length);
    expect(
      inLanguage("ar", () => fontFile(name))
        ?.bytes.subarray(0, 4)
        .toString(),
    ).toBe("wOF2");
    expect(inLanguage("en", () => fontFile(name))).toBeUndefined();
    // Each language links its own stylesheet of rules.
    expect(inLanguage("ar", fontStylesheet)).not.toBe(inLanguage("en", fontStylesheet));
    expect(inLanguage("ar", () => fontFile(fontStylesheet().slice("/fonts/".length)))?.bytes.toString()).toContain(
      "Noto Naskh Arabic",
    );
  });
});
