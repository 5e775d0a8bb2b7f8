import type { Element, Root } from "hast";
import { visit } from "unist-util-visit";

/**
 * Wraps each code block in a frame that names its language and holds the copy button
 * (components/CodeCopy adds the button when JavaScript runs; without it the block reads as before).
 */
export function rehypeCodeBlocks() {
  return (tree: Root) => {
    visit(tree, "element", (pre: Element, index, parent) => {
      if (pre.tagName !== "pre" || !parent || index === undefined) return;
      if (parent.type === "element" && parent.properties.className?.toString().includes("code-block")) return;
      const code = pre.children.find((child): child is Element => child.type === "element" && child.tagName === "code");
      if (!code) return;
      const classes = Array.isArray(code.properties.className) ? code.properties.className.map(String) : [];
      const language = classes.find((name) => name.startsWith("language-"))?.slice("language-".length);
      parent.children[index] = {
        type: "element",
        tagName: "div",
        properties: { className: ["code-block"], ...(language ? { dataLanguage: language } : {}) },
        children: [pre],
      };
    });
  };
}
