// `npm run build`'s last step: the server's JavaScript rewritten in ASCII. Node reads a module's
// source as Latin-1 only when every byte of it is ASCII; one "é" anywhere (a regex of reply
// headers, KaTeX's fonts, a language's name) makes V8 keep the whole file as UTF-16, twice its size,
// for the process's life: 7–8 MB of a server's live heap (docs/performance.md, fifth round).
// esbuild's `charset: "ascii"` escapes strings, templates and names; it leaves regex literals,
// comments and a tagged template's raw text as written, so those are escaped here, by acorn's tokens,
// where an escape means the same: a regex (`\uXXXX`, a surrogate pair read as one character under
// the u flag too) and a comment. A file with anything else left (a raw template) is kept as it was.
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { tokenizer, tokTypes } from "acorn";
import { transformSync } from "esbuild";

const NON_ASCII = /[^\x00-\x7f]/;
const EVERY_NON_ASCII = new RegExp(NON_ASCII, "g");
const escape = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;

/** `source` in ASCII with the same meaning, or null where that cannot be proved. */
export function asciiSource(source: string, module: boolean): string | null {
  const code = transformSync(source, {
    charset: "ascii",
    loader: "js",
    format: undefined,
    minifyWhitespace: true,
    legalComments: "inline",
  }).code;
  if (!NON_ASCII.test(code)) return code;
  const ranges: [number, number][] = [];
  const tokens = tokenizer(code, {
    ecmaVersion: "latest",
    sourceType: module ? "module" : "script",
    allowHashBang: true,
    allowReturnOutsideFunction: true,
    onComment: (_block, _text, start, end) => void ranges.push([start, end]),
  });
  for (const token of tokens) if (token.type === tokTypes.regexp) ranges.push([token.start, token.end]);
  ranges.sort((a, b) => a[0] - b[0]);
  let out = "";
  let at = 0;
  for (const [start, end] of ranges) {
    const escaped = code.slice(start, end).replace(EVERY_NON_ASCII, escape);
    out += code.slice(at, start) + escaped;
    at = end;
  }
  out += code.slice(at);
  return NON_ASCII.test(out) ? null : out;
}

function* scripts(dir: string): Generator<string> {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* scripts(file);
    else if (/\.(m?js)$/.test(entry.name)) yield file;
  }
}

// Run as the build step; imported by its test.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const files = [...scripts(".next/server"), ".next/marginalia-server.mjs"];
  const kept: string[] = [];
  for (const file of files) {
    const source = fs.readFileSync(file, "utf8");
    if (!NON_ASCII.test(source)) continue;
    const ascii = asciiSource(source, file.endsWith(".mjs"));
    if (ascii === null) kept.push(file);
    else fs.writeFileSync(file, ascii);
  }
  if (kept.length) console.warn(`ascii-bundles: kept as written (a raw template): ${kept.join(", ")}`);
}
