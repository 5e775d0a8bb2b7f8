import type { Element, ElementContent, Text } from "hast";
import type { Code, Root } from "mdast";
import { visit } from "unist-util-visit";

/**
 * Line numbers and highlighted lines, asked for in the fence's meta:
 * ```` ```ts showLineNumbers {2,4-5} ````. The code is cut into one span per line (keeping the
 * highlighting spans that cross a line end), which CSS numbers and marks. Runs after
 * remarkHighlightCode; without meta the block is left as it is.
 */
export function remarkCodeLines() {
  return (tree: Root) => {
    visit(tree, "code", (code: Code) => {
      const meta = code.meta ?? "";
      const numbered = /\bshowLineNumbers\b/.test(meta);
      const marked = highlightedLines(meta);
      if (!numbered && marked.size === 0) return;
      const content: ElementContent[] = (code.data?.hChildren as ElementContent[] | undefined) ?? [
        { type: "text", value: code.value },
      ];
      const lines = splitLines(content).map((children, index): Element => ({
        type: "element",
        tagName: "span",
        properties: { className: marked.has(index + 1) ? ["line", "highlighted"] : ["line"] },
        children,
      }));
      const className = [
        ...((code.data?.hProperties?.className as string[] | undefined) ?? []),
        ...(numbered ? ["line-numbers"] : []),
      ];
      code.data = {
        ...code.data,
        hProperties: { ...code.data?.hProperties, className },
        // Lines end with their newline, so copying the block gives the code back.
        hChildren: lines.flatMap((line, index) =>
          index < lines.length - 1 ? [line, { type: "text", value: "\n" } as Text] : [line],
        ),
      };
    });
  };
}

/** `{2,4-5}` in the meta: the line numbers it names. */
export function highlightedLines(meta: string): Set<number> {
  const lines = new Set<number>();
  const ranges = /\{([\d,\s-]+)\}/.exec(meta)?.[1] ?? "";
  for (const part of ranges.split(",")) {
    if (!part.trim()) continue;
    const [from, to = from] = part.trim().split("-").map(Number);
    if (!Number.isInteger(from) || !Number.isInteger(to)) continue;
    for (let line = from; line <= Math.min(to, from + 1000); line++) lines.add(line);
  }
  return lines;
}

/** Splits hast content at newlines into lines, copying an element that spans several lines onto each. */
function splitLines(content: ElementContent[]): ElementContent[][] {
  const lines: ElementContent[][] = [[]];
  const walk = (nodes: ElementContent[], wrap: (node: ElementContent) => ElementContent) => {
    for (const node of nodes) {
      if (node.type === "text") {
        node.value.split("\n").forEach((part, index) => {
          if (index > 0) lines.push([]);
          if (part) lines.at(-1)!.push(wrap({ type: "text", value: part }));
        });
      } else if (node.type === "element") {
        walk(node.children, (child) => wrap({ ...node, children: [child] }));
      }
    }
  };
  walk(content, (node) => node);
  // A trailing newline would leave an empty last line.
  if (lines.length > 1 && lines.at(-1)!.length === 0) lines.pop();
  return lines;
}
