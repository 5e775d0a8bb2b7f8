import GithubSlugger from "github-slugger";
import type { Heading, Root } from "mdast";
import { toString } from "mdast-util-to-string";
import { visit } from "unist-util-visit";
import type { VFile } from "vfile";

export type TocEntry = { id: string; text: string; depth: 2 | 3 };

declare module "vfile" {
  interface DataMap {
    toc: TocEntry[];
  }
}

// Ids the page around the article already uses: a heading with the same text gets a suffixed id
// ("comments-1") rather than stealing the skip link's or the comment section's target.
const PAGE_IDS = [
  "main",
  "toc-heading",
  "footnote-label",
  "comments",
  "comments-heading",
  "comment-name",
  "comment-body",
];

/**
 * Gives every heading a GitHub-style id (the same ids rehype-slug would give: stable across builds
 * and unique in the article), makes the heading a link to itself, and records h2/h3 in
 * `file.data.toc` for the table of contents.
 */
export function remarkHeadingIds() {
  return (tree: Root, file: VFile) => {
    const slugger = new GithubSlugger();
    for (const id of PAGE_IDS) slugger.slug(id);
    const toc: TocEntry[] = [];
    visit(tree, "heading", (heading: Heading) => {
      const text = toString(heading).trim();
      const id = slugger.slug(text) || slugger.slug("section");
      heading.data = { ...heading.data, hProperties: { ...heading.data?.hProperties, id } };
      // The heading's own text is the link, so its accessible name stays the heading's; a heading
      // that already holds a link keeps only its id (links cannot nest).
      const hasLink = heading.children.some((child) => child.type === "link" || child.type === "linkReference");
      if (!hasLink) {
        heading.children = [
          {
            type: "link",
            url: `#${id}`,
            children: heading.children,
            data: { hProperties: { className: ["heading-anchor"] } },
          },
        ];
      }
      if (heading.depth === 2 || heading.depth === 3) toc.push({ id, text, depth: heading.depth });
    });
    file.data.toc = toc;
  };
}
