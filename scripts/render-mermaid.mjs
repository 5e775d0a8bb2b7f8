// Draws mermaid diagrams to inline SVG with rehype-mermaid (Playwright driving Chromium), for
// lib/content/rehype/mermaid.ts, which runs this as a child process so that article rendering
// stays synchronous. Reads {diagrams, prefix} as JSON on stdin; writes an array with an SVG
// string, or null where a diagram could not be drawn, as JSON on stdout.
import fs from "node:fs";
import rehypeMermaid from "rehype-mermaid";
import rehypeStringify from "rehype-stringify";
import { unified } from "unified";

const { diagrams, prefix } = JSON.parse(fs.readFileSync(0, "utf8"));
const executablePath =
  process.env.CHROMIUM_PATH ?? (fs.existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined);
const tree = {
  type: "root",
  children: diagrams.map((diagram) => ({
    type: "element",
    tagName: "div",
    properties: {},
    children: [
      {
        type: "element",
        tagName: "pre",
        properties: {},
        children: [
          {
            type: "element",
            tagName: "code",
            properties: { className: ["language-mermaid"] },
            children: [{ type: "text", value: diagram }],
          },
        ],
      },
    ],
  })),
};
const processor = unified()
  .use(rehypeMermaid, {
    strategy: "inline-svg",
    prefix,
    // Neutral greys read on both themes; dark mode softens them with a CSS filter.
    mermaidConfig: { theme: "neutral", fontFamily: "Inter Variable, system-ui, sans-serif" },
    launchOptions: { executablePath, args: process.getuid?.() === 0 ? ["--no-sandbox"] : [] },
    errorFallback: () => ({ type: "element", tagName: "failed", properties: {}, children: [] }),
  })
  .use(rehypeStringify);
const result = await processor.run(tree);
const toHtml = unified().use(rehypeStringify);
process.stdout.write(
  JSON.stringify(
    result.children.map((div) => {
      const svg = div.children?.[0];
      return svg?.type === "element" && svg.tagName === "svg" ? toHtml.stringify(svg) : null;
    }),
  ),
);
