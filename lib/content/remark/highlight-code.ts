import type { ElementContent } from "hast";
import { common, createLowlight } from "lowlight";
import type { Code, Root } from "mdast";
import { visit } from "unist-util-visit";

// highlight.js's common languages (TypeScript, JavaScript, Python, shell, JSON, YAML, SQL, CSS,
// HTML…), run at build time: the reader gets coloured spans and no script.
const lowlight = createLowlight(common);

/** Replaces the text of fenced code blocks in a known language with highlight.js token spans. */
export function remarkHighlightCode() {
  return (tree: Root) => {
    visit(tree, "code", (code: Code) => {
      const language = code.lang?.toLowerCase();
      if (!language || !lowlight.registered(language)) return;
      const tokens = lowlight.highlight(language, code.value).children;
      code.data = {
        ...code.data,
        hProperties: { className: ["hljs", `language-${language}`] },
        hChildren: tokens.filter((node): node is ElementContent => node.type === "element" || node.type === "text"),
      };
    });
  };
}
