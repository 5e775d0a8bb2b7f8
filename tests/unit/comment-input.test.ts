import { describe, expect, it } from "vitest";
import { commentInputSchema } from "@/lib/comments/validation";

const parse = (name: unknown, body: unknown) => commentInputSchema.safeParse({ name, body });
const errorsOf = (name: unknown, body: unknown) => {
  const result = parse(name, body);
  return result.success ? {} : Object.fromEntries(result.error.issues.map((i) => [i.path[0], i.message]));
};

describe("name", () => {
  it.each([
    [0, "Please enter your name."],
    [1, undefined],
    [80, undefined],
    [81, "Your name can be at most 80 characters."],
  ])("%i characters → %s", (length, error) => {
    expect(errorsOf("n".repeat(length), "hi").name).toBe(error);
  });

  it("is trimmed, whitespace-only is empty, and line breaks or controls become spaces", () => {
    expect(errorsOf("   \t ", "hi").name).toBe("Please enter your name.");
    expect(parse("  Ada \n Lovelace\u0000\u202E ", "hi")).toMatchObject({
      success: true,
      data: { name: "Ada Lovelace" },
    });
  });

  it("counts characters as readers see them", () => {
    expect(parse("😀".repeat(80), "hi").success).toBe(true);
  });

  it("must be text", () => {
    expect(errorsOf(undefined, "hi").name).toBe("Please enter your name.");
    expect(errorsOf(42, "hi").name).toBe("Please enter your name.");
  });

  it.each([
    ["a zero-width space", "\u200B"],
    ["zero-width joiners", "\u200C\u200D\u200C"],
    ["a word joiner and a BOM", "\u2060\uFEFF"],
    ["a Hangul filler", "\u3164"],
    ["a Hangul choseong filler", "\u115F\u1160"],
    ["combining marks alone", "\u0301\u0308\u20DD"],
    ["a braille blank", "\u2800"],
    ["a soft hyphen and a variation selector", "\u00AD\uFE0F"],
    ["a mix with spaces", " \u200B \u3164\u00A0\u2003 "],
  ])("made only of invisible characters (%s) is no name", (_label, name) => {
    expect(errorsOf(name, "hi").name).toBe("Please enter your name.");
  });

  it("loses invisible characters at its ends, and keeps joined emoji, flags and accents whole", () => {
    expect(parse("\u200B\u2060Ada\u200D\uFEFF\u3164", "hi")).toMatchObject({ data: { name: "Ada" } });
    for (const name of ["👩‍💻 Ada", "Ada 👨‍👩‍👧", "Ada ❤️", "Flora 🏴󠁧󠁢󠁳󠁣󠁴󠁿", "🏳️‍🌈", "Zoë", "Ze\u0301phyr", "नमस्ते", "한글"]) {
      expect(parse(name, "hi"), name).toMatchObject({ success: true, data: { name } });
    }
  });
});

describe("characters XML forbids", () => {
  it("are dropped from names and bodies, so no comment can break its feed", () => {
    const result = parse("Ada\uFFFE \uFFFFLovelace\uD800", "body\uFFFF with\uDC00 a lone half\u0001 and 😀");
    expect(result).toMatchObject({
      success: true,
      data: { name: "Ada Lovelace", body: "body with a lone half and 😀" },
    });
  });

  it("leave nothing when they are all there is", () => {
    expect(errorsOf("\uFFFE\uFFFF", "\uD800\uFFFE")).toEqual({
      name: "Please enter your name.",
      body: "Please write a comment.",
    });
  });
});

describe("parentId", () => {
  const parentOf = (parentId: unknown) => commentInputSchema.safeParse({ name: "Ada", body: "hi", parentId });

  it.each([[42], [{ id: "abc" }], [["abc"]], [true]])("refuses %j rather than starting a new thread", (parentId) => {
    const result = parentOf(parentId);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path[0])).toEqual(["parentId"]);
  });

  it("is a string, or nothing (absent, null or empty) for a new thread", () => {
    expect(parentOf("abc")).toMatchObject({ data: { parentId: "abc" } });
    for (const none of [undefined, null, ""]) expect(parentOf(none)).toMatchObject({ data: { parentId: null } });
  });
});

describe("body", () => {
  it.each([
    [0, "Please write a comment."],
    [1, undefined],
    [5_000, undefined],
    [5_001, "Your comment can be at most 5,000 characters."],
  ])("%i characters → %s", (length, error) => {
    expect(errorsOf("Ada", "b".repeat(length)).body).toBe(error);
  });

  it("rejects whitespace only, invisible characters included", () => {
    expect(errorsOf("Ada", " \n\t \r\n ").body).toBe("Please write a comment.");
    expect(errorsOf("Ada", "\u200B\n\u3164\u2060").body).toBe("Please write a comment.");
  });

  it("keeps line breaks and tabs, normalises CRLF, strips control and bidi-override characters", () => {
    const result = parse("Ada", "  first\r\nsecond\tcol\u0007\u001B[31m\u0000\u202Eevil\u2066 \n");
    expect(result).toMatchObject({ success: true, data: { body: "first\nsecond\tcol[31mevil" } });
  });

  it("counts the limit after trimming", () => {
    expect(parse("Ada", `  ${"b".repeat(5_000)}  `).success).toBe(true);
  });

  it("allows at most 5 links, however they are written", () => {
    const links = (n: number) =>
      Array.from({ length: n }, (_, i) => (i % 2 ? `https://e${i}.example` : `[l${i}](https://e${i}.example)`)).join(
        " ",
      );
    expect(parse("Ada", links(5)).success).toBe(true);
    expect(errorsOf("Ada", links(6)).body).toBe("A comment can hold at most 5 links.");
  });

  it("keeps markup as text, for the page to escape", () => {
    expect(parse("Ada", "<script>alert(1)</script>")).toMatchObject({ data: { body: "<script>alert(1)</script>" } });
  });
});
