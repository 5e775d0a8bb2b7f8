// The web fonts' fallbacks take the room the fonts will (no layout shift when they arrive), and
// only the Latin files are declared, the upright ones preloaded, each at an address of its bytes.
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  articleFontStylesheet,
  fallbackOverrides,
  fontFaceCss,
  fontFile,
  fontStylesheet,
  preloadedFonts,
} from "@/lib/server/fonts";

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

  it("give Hebrew its alphabet, and Persian Arabic's Naskh, on sites without a catalog of theirs", () => {
    for (const tag of ["he", "he-IL"]) {
      const hebrew = inLanguage(tag, fontFaceCss);
      expect(hebrew).toMatch(/font-family:"Noto Serif Hebrew Variable"[^}]*unicode-range:U\+0307-0308,U\+0590-05FF/);
      expect(hebrew.match(/Noto Serif Hebrew Variable"[^}]*src:url/g)).toHaveLength(1);
      expect(hebrew).toContain('html:root{--serif:"Source Serif 4 Variable","Noto Serif Hebrew Variable"');
      expect(inLanguage(tag, preloadedFonts)[2]).toMatch(
        /^\/fonts\/noto-serif-hebrew-hebrew-wght-normal\.[\w-]{10}\.woff2$/,
      );
      const rules = inLanguage(tag, () => fontFile(fontStylesheet().slice("/fonts/".length)));
      expect(rules?.bytes.toString()).toBe(hebrew);
    }
    const persian = inLanguage("fa", fontFaceCss);
    expect(persian).toContain('"Noto Naskh Arabic Variable"');
    expect(persian).not.toMatch(/Hebrew/);
    expect(inLanguage("fa", fontStylesheet)).toBe(inLanguage("ar", fontStylesheet));
    for (const tag of ["en", "fr", "ar", "ja"]) expect(inLanguage(tag, fontFaceCss)).not.toMatch(/Hebrew/);
  });

  it("give Japanese and Chinese their slices, fetched by the characters a page shows, none preloaded", () => {
    const japanese = inLanguage("ja", fontFaceCss);
    expect(japanese.match(/font-family:"Noto Serif JP Variable"/g)!.length).toBeGreaterThan(100);
    expect(inLanguage("ja", preloadedFonts)).toHaveLength(2);
    expect(inLanguage("zh-Hans", fontFaceCss)).toContain('"Noto Serif SC Variable"');
  });

  it("are served by their address, on any site (an article may be in their script), and nothing else is", () => {
    const url = inLanguage("ar", preloadedFonts)[2];
    const name = url.slice("/fonts/".length);
    for (const tag of ["ar", "en"])
      expect(
        inLanguage(tag, () => fontFile(name))
          ?.bytes.subarray(0, 4)
          .toString(),
      ).toBe("wOF2");
    const hebrew = inLanguage("he", preloadedFonts)[2].slice("/fonts/".length);
    expect(inLanguage("he", () => fontFile(hebrew))?.type).toBe("font/woff2");
    expect(fontFile(hebrew.replace(/\.[\w-]{10}\.woff2$/, ".AAAAAAAAAA.woff2"))).toBeUndefined();
    expect(fontFile("noto-serif-hebrew-../../package.json")).toBeUndefined();
    expect(fontFile("faces-he.AAAAAAAAAA.css")).toBeUndefined();
    // Each language links its own stylesheet of rules.
    expect(inLanguage("ar", fontStylesheet)).not.toBe(inLanguage("en", fontStylesheet));
    expect(inLanguage("ar", () => fontFile(fontStylesheet().slice("/fonts/".length)))?.bytes.toString()).toContain(
      "Noto Naskh Arabic",
    );
  });
});

describe("an article in another script than the site's", () => {
  afterEach(() => vi.unstubAllEnvs());

  it("links a stylesheet of its script's faces, its family given to that article alone", () => {
    vi.stubEnv("SITE_LANGUAGE", "en");
    const href = articleFontStylesheet("he")!;
    expect(href).toMatch(/^\/fonts\/faces-he\.[\w-]{10}\.css$/);
    expect(articleFontStylesheet("he-IL")).toBe(href);
    const sheet = fontFile(href.slice("/fonts/".length));
    expect(sheet?.type).toBe("text/css; charset=utf-8");
    const css = sheet!.bytes.toString();
    expect(css).toMatch(/font-family:"Noto Serif Hebrew Variable"[^}]*unicode-range:U\+0307-0308,U\+0590-05FF/);
    expect(css).toContain('.article:is(:lang(he)){--serif:"Source Serif 4 Variable","Noto Serif Hebrew Variable"');
    expect(css).not.toMatch(/html:root|local\(/);
    // Its font files are served.
    const file = /url\(\/fonts\/([^)]+)\)/.exec(css)![1];
    expect(fontFile(file)?.bytes.subarray(0, 4).toString()).toBe("wOF2");
    // Persian in Naskh; the site's own fonts stay the site's.
    expect(articleFontStylesheet("fa")).toMatch(/^\/fonts\/faces-ar\./);
    expect(fontFile(articleFontStylesheet("fa")!.slice("/fonts/".length))!.bytes.toString()).toContain(
      ".article:is(:lang(ar),:lang(fa))",
    );
    expect(fontFaceCss()).not.toMatch(/Hebrew|Naskh/);
  });

  it("links nothing when the site's fonts cover it", () => {
    vi.stubEnv("SITE_LANGUAGE", "en");
    expect(articleFontStylesheet("fr")).toBeNull();
    expect(articleFontStylesheet("zh-Hant")).toBeNull();
    vi.stubEnv("SITE_LANGUAGE", "he");
    expect(articleFontStylesheet("he")).toBeNull();
    vi.stubEnv("SITE_LANGUAGE", "fa");
    expect(articleFontStylesheet("ar")).toBeNull();
  });
});
