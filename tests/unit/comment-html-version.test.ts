import { createHash } from "node:crypto";
import fs from "node:fs";
import { expect, it } from "vitest";
import { COMMENT_HTML_VERSION } from "@/lib/content/comment-markdown";

// Every comment's row keeps the HTML renderCommentForPage made of it, trusted while its
// COMMENT_HTML_VERSION is the current one. A dependency update that changes that HTML (remark,
// micromark, the sanitizer, hast-util-to-html) must bump the version, or rows keep the old output;
// this holds the packages the renderer runs on to the ones the version was set for.
const RENDERED_WITH = { version: 1, packages: "f331a0294be9" };

const ROOTS = ["remark", "remark-html", "micromark-extension-gfm-autolink-literal", "mdast-util-gfm-autolink-literal"];

type Locked = { version: string; dependencies?: Record<string, string> };

/** name@version of every package the renderer loads, resolved as Node does from package-lock.json. */
function rendererPackages(): string[] {
  const locked: Record<string, Locked> = JSON.parse(fs.readFileSync("package-lock.json", "utf8")).packages;
  const resolve = (name: string, from: string): string => {
    for (let dir = from; ; dir = dir.slice(0, Math.max(0, dir.lastIndexOf("/node_modules/")))) {
      const path = `${dir ? `${dir}/` : ""}node_modules/${name}`;
      if (locked[path]) return path;
      if (!dir) throw new Error(`${name} is not in package-lock.json`);
    }
  };
  const seen = new Set<string>();
  const queue = ROOTS.map((name) => resolve(name, ""));
  for (let path = queue.pop(); path !== undefined; path = queue.pop()) {
    if (seen.has(path)) continue;
    seen.add(path);
    for (const dependency of Object.keys(locked[path].dependencies ?? {})) queue.push(resolve(dependency, path));
  }
  return [...seen]
    .map((path) => `${path.slice(path.lastIndexOf("node_modules/") + 13)}@${locked[path].version}`)
    .sort();
}

it("the stored comments' HTML version moves with the packages that render it", () => {
  const packages = createHash("sha256").update(rendererPackages().join("\n")).digest("hex").slice(0, 12);
  // On a failure: render a few comments before and after the update (tests/unit/comment-markdown.test.ts
  // does), bump COMMENT_HTML_VERSION if any HTML changed, then set both figures here.
  expect({ version: COMMENT_HTML_VERSION, packages }).toEqual(RENDERED_WITH);
});
