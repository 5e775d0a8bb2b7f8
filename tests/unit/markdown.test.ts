import path from "node:path";
import { expect, it } from "vitest";
import { getArticle } from "@/lib/articles";

it("renders headings, emphasis, links, lists, code and GFM tables, and drops raw scripts", async () => {
  const article = await getArticle("hello-world", { dir: path.join(import.meta.dirname, "../fixtures/content-ok") });
  const html = article!.html;
  expect(html).toContain("<h2>A heading</h2>");
  expect(html).toContain("<em>emphasis</em>");
  expect(html).toContain("<strong>strong</strong>");
  expect(html).toContain('<a href="https://example.com">link</a>');
  expect(html).toMatch(/<ul>\s*<li>one<\/li>\s*<li>two<\/li>\s*<\/ul>/);
  expect(html).toContain('<pre><code class="language-ts">const answer = 42;');
  expect(html).toMatch(/<table>[\s\S]*<th>Name<\/th>[\s\S]*<td>1<\/td>[\s\S]*<\/table>/);
  expect(html).not.toContain("<script");
});
