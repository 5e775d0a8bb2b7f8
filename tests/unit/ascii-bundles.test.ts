import { describe, expect, it } from "vitest";
import { asciiSource } from "../../scripts/ascii-bundles";

/** What a script's `module.exports` holds once run (the bundles are CommonJS or ES modules). */
function run(source: string): unknown {
  const holder = { exports: {} as unknown };
  new Function("module", source)(holder);
  return holder.exports;
}

// The build rewrites the server's bundles in ASCII so V8 keeps their sources as Latin-1, half the
// memory of UTF-16: each rewrite must mean exactly what the bundle meant.
describe("the server's bundles in ASCII", () => {
  it("escapes strings, templates, names, regexes and comments, and the code does the same", () => {
    const source = [
      "/* © Ünïcode, 写道 */",
      "const café = 'é😀';",
      "const reply = /^(在[\\s\\S]+写道：)$/m;",
      "const sub = /^[₊₋₀-₉]+$/;",
      "const emoji = /^[😀-😂]$/u;",
      "const letters = /[îïíì]/;",
      "module.exports = [café, `x${café}ü`, reply.test('在 2026 写道：'), sub.test('₀₁'), emoji.test('😁'), emoji.test('\\ud83d'), letters.test('ï'), 'ö'.length];",
    ].join("\n");
    const ascii = asciiSource(source, false);
    expect(ascii).not.toBeNull();
    expect(ascii).toMatch(/^[\x00-\x7f]*$/);
    expect(run(ascii!)).toEqual(run(source));
    expect(run(source)).toEqual(["é😀", "xé😀ü", true, true, true, false, true, 1]);
  });

  it("keeps a file whose raw template text cannot be escaped without changing it", () => {
    expect(asciiSource("module.exports = String.raw`é`;", false)).toBeNull();
  });

  it("leaves a file already in ASCII as esbuild prints it, and reads ES modules", () => {
    expect(asciiSource("export const a = 1;", true)).toBe("export const a=1;\n");
    expect(asciiSource("export const a = /é/;", true)).toBe("export const a=/\\u00e9/;\n");
  });
});
