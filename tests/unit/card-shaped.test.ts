// The social card of an Arabic or Urdu site reads as it is written: letters joined, words right to
// left (lib/server/card-shaped.ts, Pango in a child process). next/og, which drew the others,
// drew the isolated letters in left-to-right order: both would fail here.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { CARD, cardText, needsShaping, shapedCard } from "@/lib/server/card-shaped";
import { CPU_MAX_MS, cpuMs, cpuMsAsync } from "../support/cpu";

const ZWNJ = "\u200c";
/** The same letters, kept from joining: what a renderer without shaping draws. */
const isolated = (text: string) => [...text].join(ZWNJ);

/** Dark pixels per column in the title's band (below the site's name, above the line of author and date). */
async function titleColumns(title: string): Promise<number[]> {
  const png = await shapedCard({ name: "Marginalia", title, meta: "·" });
  const { data, info } = await sharp(png)
    .extract({ left: 0, top: 150, width: CARD.width, height: 330 })
    .greyscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const columns = new Array<number>(info.width).fill(0);
  for (let i = 0; i < data.length; i++) if (data[i] < 128) columns[i % info.width]++;
  return columns;
}

/** The first and last columns with ink. */
function extent(columns: number[]): [number, number] {
  return [columns.findIndex((count) => count > 0), columns.findLastIndex((count) => count > 0)];
}

const differing = (a: number[], b: number[]) => a.reduce((sum, count, i) => sum + Math.abs(count - b[i]), 0);
const ink = (columns: number[]) => columns.reduce((sum, count) => sum + count, 0);

describe.each([
  ["ar", "مرحبا بالعالم", "عربي"],
  ["ur", "اردو زبان میں خوش آمدید", "اردو"],
])("the %s social card", (tag, title, word) => {
  afterEach(() => vi.unstubAllEnvs());

  it("joins the letters: the title is narrower than its isolated letters, and drawn otherwise", async () => {
    vi.stubEnv("SITE_LANGUAGE", tag);
    const joined = await titleColumns(title);
    const apart = await titleColumns(isolated(title));
    const [joinedFrom, joinedTo] = extent(joined);
    const [apartFrom, apartTo] = extent(apart);
    // Right to left: both end at the card's right margin.
    expect(joinedTo).toBeGreaterThan(CARD.width - CARD.padding.x - 12);
    expect(apartTo).toBeGreaterThan(CARD.width - CARD.padding.x - 12);
    expect(joinedTo - joinedFrom).toBeLessThan(0.92 * (apartTo - apartFrom));
    expect(differing(joined, apart)).toBeGreaterThan(0.2 * ink(joined));
  });

  it.each([
    ["an Arabic word", false],
    ["a Latin word", true],
  ])(
    "orders the words right to left: the first, %s, stays at the right end when another follows",
    async (_, latinFirst) => {
      vi.stubEnv("SITE_LANGUAGE", tag);
      const [first, then] = latinFirst ? ["Marginalia", word] : [word, "Marginalia"];
      const alone = await titleColumns(first);
      const followed = await titleColumns(`${first} ${then}`);
      const [from] = extent(alone);
      const right = (columns: number[]) => columns.slice(from);
      expect(differing(right(alone), right(followed))).toBeLessThan(0.05 * ink(right(alone)));
      // And the word that follows is to its left.
      expect(extent(followed)[0]).toBeLessThan(from - 100);
    },
  );
});

// Hebrew and Persian cards are drawn in the fonts the site bundles, whatever the machine has: with
// fontconfig knowing no font of the machine (a configuration of no folders), the title is letters,
// not boxes, and the same as with all of them (DejaVu Sans, here, has Hebrew and Arabic letters).
describe.each([
  ["he", "שלום עולם"],
  ["fa", "سلام دنیا"],
  ["en", "מאמר בעברית"],
])("the card of a title in its script, on a %s site", (tag, title) => {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), "marginalia-no-fonts-"));
  const noFonts = path.join(folder, "fonts.conf");
  fs.writeFileSync(noFonts, `<?xml version="1.0"?>\n<fontconfig><cachedir>${folder}</cachedir></fontconfig>\n`);
  afterAll(() => fs.rmSync(folder, { recursive: true, force: true }));
  afterEach(() => vi.unstubAllEnvs());

  const drawn = async (text: string, machineFonts: boolean) => {
    vi.stubEnv("SITE_LANGUAGE", tag);
    if (!machineFonts) vi.stubEnv("FONTCONFIG_FILE", noFonts);
    try {
      return await titleColumns(text);
    } finally {
      vi.unstubAllEnvs();
    }
  };

  it("is drawn in the bundled font, not the machine's, and not as boxes", async () => {
    // Without the machine's fonts, a letter no bundled font has is a box (Pango's, its code in
    // hexadecimal): Armenian, which DejaVu Sans has, is drawn otherwise with them.
    const boxes = await drawn("Բարեւ", false);
    expect(differing(boxes, await drawn("Բարեւ", true))).toBeGreaterThan(0.5 * ink(boxes));
    // The title, without the machine's fonts: letters, not boxes of as many Armenian letters.
    const bundled = await drawn(title, false);
    const asBoxes = await drawn(title.replace(/\p{L}/gu, "Բ"), false);
    expect(differing(bundled, asBoxes)).toBeGreaterThan(0.3 * ink(bundled));
    // With them, the same font draws it: as wide and as dark, within a space's width and hinting.
    const machine = await drawn(title, true);
    const width = (columns: number[]) => extent(columns)[1] - extent(columns)[0];
    expect(Math.abs(width(machine) - width(bundled))).toBeLessThan(0.03 * width(bundled));
    expect(Math.abs(ink(machine) - ink(bundled))).toBeLessThan(0.03 * ink(bundled));
  });
});

describe("the card's text", () => {
  afterEach(() => vi.unstubAllEnvs());

  it("is drawn by Pango on right-to-left sites and for right-to-left words only", () => {
    vi.stubEnv("SITE_LANGUAGE", "fr");
    expect(needsShaping("Un titre · 3 min")).toBe(false);
    expect(needsShaping("Un titre, עברית")).toBe(true);
    vi.stubEnv("SITE_LANGUAGE", "ja");
    expect(needsShaping("日本語の記事")).toBe(false);
    vi.stubEnv("SITE_LANGUAGE", "ur");
    expect(needsShaping("Marginalia")).toBe(true);
  });

  const PATHOLOGICAL: Record<string, string> = {
    "a long title": "مرحبا ".repeat(20_000),
    "combining marks": `م${"\u0651\u064e".repeat(20_000)}`,
    "bidi controls": "\u202e\u2067ابج\u202a".repeat(10_000),
    "controls and markup": "<b>&amp;\u0000\u001b</span>".repeat(5_000),
  };

  it.each(Object.entries(PATHOLOGICAL))("cuts %s to what a card holds, within the CPU bound", (_, text) => {
    let cut = "";
    expect(cpuMs(() => (cut = cardText(text)))).toBeLessThan(CPU_MAX_MS);
    expect([...cut].length).toBeLessThanOrEqual(160 * 8 + 1);
    expect(cut).not.toMatch(/[\p{Cc}\u202a-\u202e\u2066-\u2069]/u);
  });

  it("keeps a title that fits as it is", () => {
    expect(cardText("Monoliths, microservices and the cost of a network hop")).toBe(
      "Monoliths, microservices and the cost of a network hop",
    );
    expect(cardText("مرحبا ".repeat(100)).endsWith("…")).toBe(true);
  });

  it("draws a pathological title in the child, at little cost to the server's own CPU", async () => {
    vi.stubEnv("SITE_LANGUAGE", "ar");
    for (const text of Object.values(PATHOLOGICAL)) {
      let png: Uint8Array = new Uint8Array();
      const cpu = await cpuMsAsync(
        async () => (png = await shapedCard({ name: "Marginalia", title: cardText(text), meta: cardText(text) })),
      );
      expect(cpu).toBeLessThan(CPU_MAX_MS);
      expect((await sharp(png).metadata()).width).toBe(CARD.width);
    }
  });
});
