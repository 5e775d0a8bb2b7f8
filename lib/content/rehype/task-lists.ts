import type { Element, ElementContent, Root } from "hast";
import { visit } from "unist-util-visit";

const BLOCKS = new Set(["ul", "ol", "p", "pre", "blockquote", "table", "div"]);

/**
 * A task list item's checkbox gets its item's text as its label (GitHub's markdown leaves it
 * unlabelled, which screen readers announce as a bare "checkbox" and axe reports): the checkbox
 * and the text up to any nested block are wrapped in a <label>.
 */
export function rehypeTaskLists() {
  return (tree: Root) => {
    visit(tree, "element", (element: Element) => {
      if (element.tagName !== "li" && element.tagName !== "p") return;
      const start = element.children.findIndex(
        (child) => child.type === "element" && child.tagName === "input" && child.properties.type === "checkbox",
      );
      if (start === -1) return;
      let end = start + 1;
      while (end < element.children.length && !isBlock(element.children[end])) end++;
      const label: Element = {
        type: "element",
        tagName: "label",
        properties: {},
        children: element.children.slice(start, end),
      };
      element.children.splice(start, end - start, label);
    });
  };
}

const isBlock = (node: ElementContent) => node.type === "element" && BLOCKS.has(node.tagName);
