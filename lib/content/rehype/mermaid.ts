import { execFile, execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { Element, Root } from "hast";
import { visit } from "unist-util-visit";
import type { VFile } from "vfile";
import { processWide } from "../../process-wide";
import { settings } from "../../settings";
import { readFrom } from "../remark/article-images";

declare module "vfile" {
  interface DataMap {
    /** A diagram is not drawn (being drawn in the background, or failed): a later render may draw it. */
    drawing: boolean;
  }
}

// Drawn once, when the site is built (the feeds render every article then), and kept on disk
// beside Next's own build cache, so `next start` serves the SVG without starting a browser.
const CACHE_DIR = path.join(/*turbopackIgnore: true*/ process.cwd(), ".next", "cache", "mermaid");
const SCRIPT = path.join(/*turbopackIgnore: true*/ process.cwd(), "scripts", "render-mermaid.mjs");
// In memory too: a failed drawing is not retried on every render of the same process.
const drawn = new Map<string, (string | null)[]>();

// A production server reads content/ while it runs (content-store.ts), and must not stop answering
// for the seconds Chromium takes: there a diagram not drawn yet is drawn by a child process it does
// not wait for, shown as code meanwhile, and its article is read again once it is drawn.
const background = processWide<{ onDrawn?: (articleFile: string) => void; started: Set<string> }>(
  "mermaid-background",
  // The sets of diagrams drawn in the background so far: each once per process, failed or not.
  () => ({ started: new Set() }),
);

/** From now on draw new diagrams without waiting, then call `onDrawn` with the article's file; undefined: wait again. */
export function drawInBackground(onDrawn: ((articleFile: string) => void) | undefined): void {
  background.onDrawn = onDrawn;
}

/**
 * ```` ```mermaid ```` blocks become inline SVG, drawn by rehype-mermaid with Chromium in a child
 * process (scripts/render-mermaid.mjs; rendering stays synchronous). Where no browser can run, the
 * block stays readable code with a note under it: a diagram never fails a build.
 */
export function rehypeMermaidDiagrams() {
  return (tree: Root, file: VFile) => {
    const blocks: { pre: Element; parent: Element | Root; source: string }[] = [];
    visit(tree, "element", (pre: Element, _index, parent) => {
      const code =
        pre.tagName === "pre"
          ? pre.children.find((child): child is Element => child.type === "element" && child.tagName === "code")
          : undefined;
      const classes = code && Array.isArray(code.properties.className) ? code.properties.className : [];
      if (code && parent && classes.includes("language-mermaid")) blocks.push({ pre, parent, source: textOf(code) });
    });
    if (blocks.length === 0) return;
    const svgs = draw(
      blocks.map((block) => block.source),
      file,
    );
    // Not kept on disk (article-cache.ts), so that the next process tries again, as before.
    if (svgs.some((svg) => !svg) && settings().MERMAID_RENDER === "on") file.data.drawing = true;
    for (const [i, { pre, parent, source }] of blocks.entries()) {
      const index = parent.children.indexOf(pre);
      const svg = svgs[i];
      parent.children.splice(
        index,
        1,
        svg
          ? {
              type: "element",
              tagName: "figure",
              properties: { className: ["mermaid-diagram"] },
              // The diagram's source is its text alternative; the SVG comes from our own renderer.
              children: [
                { type: "raw", value: svg },
                {
                  type: "element",
                  tagName: "figcaption",
                  properties: { className: ["visually-hidden"] },
                  children: [{ type: "text", value: `Diagram: ${source}` }],
                },
              ],
            }
          : pre,
        ...(svg
          ? []
          : [
              {
                type: "element",
                tagName: "p",
                properties: { className: ["diagram-note"] },
                children: [
                  {
                    type: "text",
                    value: "This diagram could not be drawn when the site was built; its source is shown above.",
                  },
                ],
              } as Element,
            ]),
      );
    }
  };
}

function draw(diagrams: string[], vfile: VFile): (string | null)[] {
  const articleFile = vfile.path as string | undefined;
  const key = createHash("sha256").update(JSON.stringify(diagrams)).digest("hex").slice(0, 16);
  // A kept render shows the drawings as they were: one drawn since (or gone) renders again.
  readFrom(vfile, path.join(CACHE_DIR, `${key}.json`));
  const remembered = drawn.get(key);
  if (remembered) return remembered;
  const file = path.join(CACHE_DIR, `${key}.json`);
  let svgs: (string | null)[];
  try {
    svgs = JSON.parse(fs.readFileSync(file, "utf8")) as (string | null)[];
  } catch {
    if (background.onDrawn && articleFile && settings().MERMAID_RENDER === "on") {
      // Not remembered: once drawn, the next render reads the drawing from disk.
      drawLater(diagrams, key, articleFile);
      return diagrams.map(() => null);
    }
    svgs = run(diagrams, key);
    keep(key, svgs);
  }
  drawn.set(key, svgs);
  return svgs;
}

/** On disk, for every render after this one (and every process of this build). */
function keep(key: string, svgs: (string | null)[]): void {
  if (!svgs.some(Boolean)) return;
  fs.mkdirSync(CACHE_DIR, { recursive: true });
  fs.writeFileSync(path.join(CACHE_DIR, `${key}.json`), JSON.stringify(svgs));
}

/** Draws in a child process without waiting for it; once drawn, the article is read again. */
function drawLater(diagrams: string[], key: string, articleFile: string): void {
  if (background.started.has(key)) return;
  background.started.add(key);
  const child = execFile(
    process.execPath,
    [SCRIPT],
    { timeout: 120_000, maxBuffer: 64 * 1024 * 1024 },
    (error, stdout) => {
      const svgs = error ? diagrams.map(() => null) : svgsOf(stdout, diagrams);
      if (!svgs.some(Boolean)) {
        console.warn(`mermaid: diagrams left as code (${error?.message.split("\n")[0] ?? "none drawn"})`);
        return;
      }
      keep(key, svgs);
      background.onDrawn?.(articleFile);
    },
  );
  child.stdin?.end(JSON.stringify({ diagrams, prefix: `mermaid-${key}` }));
}

/** The drawings in the script's answer, one per diagram (null where it drew none). */
function svgsOf(output: string, diagrams: string[]): (string | null)[] {
  try {
    const svgs = JSON.parse(output) as unknown;
    if (Array.isArray(svgs) && svgs.length === diagrams.length)
      return svgs.map((svg) => (typeof svg === "string" ? svg : null));
  } catch {
    // Not JSON: nothing drawn.
  }
  return diagrams.map(() => null);
}

function run(diagrams: string[], key: string): (string | null)[] {
  if (settings().MERMAID_RENDER === "off") return diagrams.map(() => null);
  try {
    const output = execFileSync(process.execPath, [SCRIPT], {
      input: JSON.stringify({ diagrams, prefix: `mermaid-${key}` }),
      timeout: 120_000,
      maxBuffer: 64 * 1024 * 1024,
      stdio: ["pipe", "pipe", "pipe"],
    });
    return svgsOf(output.toString("utf8"), diagrams);
  } catch (error) {
    console.warn(`mermaid: diagrams left as code (${(error as Error).message.split("\n")[0]})`);
    return diagrams.map(() => null);
  }
}

/** The text as written: hast-util-to-text would collapse the diagram's line breaks. */
function textOf(node: Element): string {
  return node.children
    .map((child) => (child.type === "text" ? child.value : child.type === "element" ? textOf(child) : ""))
    .join("");
}
