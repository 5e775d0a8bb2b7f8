import type { Paragraph, Root } from "mdast";
import { visit } from "unist-util-visit";

/**
 * `![alt](src "caption")` alone in its paragraph becomes a figure with the title as its caption:
 * the alt text still describes the image, the caption is what every reader sees under it.
 */
export function remarkFigures() {
  return (tree: Root) => {
    visit(tree, "paragraph", (paragraph: Paragraph) => {
      const [image, ...rest] = paragraph.children;
      if (
        image?.type !== "image" ||
        !image.title?.trim() ||
        rest.some((node) => node.type !== "text" || node.value.trim())
      )
        return;
      const caption = image.title.trim();
      image.title = null;
      paragraph.children = [image];
      paragraph.data = { ...paragraph.data, hName: "figure" };
      // mdast has no figcaption: a text node that remark-rehype turns into one through hName.
      paragraph.children.push({
        type: "text",
        value: caption,
        data: { hName: "figcaption", hChildren: [{ type: "text", value: caption }] },
      });
    });
  };
}
