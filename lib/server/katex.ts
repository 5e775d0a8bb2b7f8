import "server-only";
import fs from "node:fs";
import path from "node:path";

// KaTeX's stylesheet and fonts (25 KB of CSS, then a font per style of symbol), served from the
// katex package under its version (app/katex/[...path]) and linked only by pages that show math
// (components/ArticleView.tsx): every other page goes without the render-blocking stylesheet.

const DIST = path.join(process.cwd(), "node_modules", "katex", "dist");
const VERSION = (JSON.parse(fs.readFileSync(path.join(DIST, "..", "package.json"), "utf8")) as { version: string })
  .version;
export const KATEX_PATH = "/katex";
export const KATEX_STYLESHEET = `${KATEX_PATH}/${VERSION}/katex.min.css`;

const TYPES: Record<string, string> = {
  css: "text/css; charset=utf-8",
  woff2: "font/woff2",
  woff: "font/woff",
  ttf: "font/ttf",
};
const FONT = /^KaTeX_[A-Za-z0-9_-]+\.(woff2|woff|ttf)$/;

/** Whether rendered article HTML holds a formula (rehype-katex's markup). */
export function hasMath(html: string): boolean {
  return html.includes('class="katex');
}

/** The file at `/katex/<version>/<parts>`: the stylesheet or one of its fonts, of this version only. */
export function katexFile(parts: string[]): { bytes: Buffer; type: string } | undefined {
  const [version, ...rest] = parts;
  if (version !== VERSION) return undefined;
  const name = rest.join("/");
  const allowed = name === "katex.min.css" || (rest.length === 2 && rest[0] === "fonts" && FONT.test(rest[1]));
  if (!allowed) return undefined;
  return { bytes: fs.readFileSync(path.join(DIST, ...rest)), type: TYPES[name.split(".").pop()!] };
}
