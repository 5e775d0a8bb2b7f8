import { describe, expect, it } from "vitest";
import { commentInputSchema } from "@/lib/validations/comment";

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
    expect(parse("  Ada \n Lovelace\u0000\u202E ", "hi")).toMatchObject({ success: true, data: { name: "Ada Lovelace" } });
  });

  it("counts characters as readers see them", () => {
    expect(parse("😀".repeat(80), "hi").success).toBe(true);
  });

  it("must be text", () => {
    expect(errorsOf(undefined, "hi").name).toBe("Please enter your name.");
    expect(errorsOf(42, "hi").name).toBe("Please enter your name.");
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

  it("rejects whitespace only", () => {
    expect(errorsOf("Ada", " \n\t \r\n ").body).toBe("Please write a comment.");
  });

  it("keeps line breaks and tabs, normalises CRLF, strips control and bidi-override characters", () => {
    const result = parse("Ada", "  first\r\nsecond\tcol\u0007\u001B[31m\u0000\u202Eevil\u2066 \n");
    expect(result).toMatchObject({ success: true, data: { body: "first\nsecond\tcol[31mevil" } });
  });

  it("counts the limit after trimming", () => {
    expect(parse("Ada", `  ${"b".repeat(5_000)}  `).success).toBe(true);
  });

  it("allows at most 5 links, however they are written", () => {
    const links = (n: number) => Array.from({ length: n }, (_, i) => (i % 2 ? `https://e${i}.example` : `[l${i}](https://e${i}.example)`)).join(" ");
    expect(parse("Ada", links(5)).success).toBe(true);
    expect(errorsOf("Ada", links(6)).body).toBe("A comment can hold at most 5 links.");
  });

  it("keeps markup as text, for the page to escape", () => {
    expect(parse("Ada", "<script>alert(1)</script>")).toMatchObject({ data: { body: "<script>alert(1)</script>" } });
  });
});
