import path from "node:path";
import { describe, expect, it } from "vitest";
import { getArticle, listArticlesForFeed } from "@/lib/content/articles";
import { plainText, readingMinutes, renderArticleMarkdown } from "@/lib/content/markdown";

const fixtures = (name: string) => path.join(import.meta.dirname, "../fixtures", name);
const render = (markdown: string) =>
  renderArticleMarkdown(markdown, {
    sourceFile: fixtures("content-media/x.md"),
    contentDir: fixtures("content-media"),
    publicDir: fixtures("public"),
  });

it("renders headings, emphasis, links, lists, code and GFM tables, and drops raw scripts", async () => {
  const article = await getArticle("hello-world", { dir: fixtures("content-ok") });
  const html = article!.html;
  expect(html).toContain('<h2 id="a-heading"><a href="#a-heading" class="heading-anchor">A heading</a></h2>');
  expect(html).toContain("<em>emphasis</em>");
  expect(html).toContain("<strong>strong</strong>");
  expect(html).toContain('<a href="https://example.com">link</a>');
  expect(html).toMatch(/<ul>\s*<li>one<\/li>\s*<li>two<\/li>\s*<\/ul>/);
  expect(html).toMatch(/<table>[\s\S]*<th>Name<\/th>[\s\S]*<td>1<\/td>[\s\S]*<\/table>/);
  expect(html).not.toContain("<script");
});

describe("heading ids and the table of contents", () => {
  it("slugs headings like GitHub, unique within the article and clear of the page's own ids", () => {
    const { html, toc } = render(
      "## Hello *World*!\n\n### Hello World\n\n## Comments\n\n## Main\n\n#### Deep\n\n## Ünïcode & Next.js 16\n",
    );
    expect(toc).toEqual([
      { id: "hello-world", text: "Hello World!", depth: 2 },
      { id: "hello-world-1", text: "Hello World", depth: 3 },
      { id: "comments-1", text: "Comments", depth: 2 },
      { id: "main-1", text: "Main", depth: 2 },
      { id: "ünïcode--nextjs-16", text: "Ünïcode & Next.js 16", depth: 2 },
    ]);
    expect(html).toContain('<h4 id="deep"><a href="#deep" class="heading-anchor">Deep</a></h4>');
    expect(html).toContain(
      '<h2 id="hello-world"><a href="#hello-world" class="heading-anchor">Hello <em>World</em>!</a></h2>',
    );
  });

  it("gives the same ids on every render", () => {
    const markdown = "## One\n\n## One\n\n## Two\n";
    expect(render(markdown).toc).toEqual(render(markdown).toc);
  });

  it("keeps a link inside a heading rather than nesting links", () => {
    expect(render("## See [docs](https://example.com)\n").html).toBe(
      '<h2 id="see-docs">See <a href="https://example.com">docs</a></h2>',
    );
  });
});

describe("code, footnotes and tables", () => {
  it("highlights code in a known language at build time and leaves others plain", () => {
    const { html } = render("```ts\nconst a = 1; // note\n```\n\n```nosuchlang\nx\n```\n\n```\nplain\n```\n");
    expect(html).toContain(
      '<div class="code-block" data-language="ts"><pre><code class="hljs language-ts"><span class="hljs-keyword">const</span> a = <span class="hljs-number">1</span>; <span class="hljs-comment">// note</span></code></pre></div>',
    );
    expect(html).toContain('<pre><code class="language-nosuchlang">x\n</code></pre>');
    expect(html).toContain("<pre><code>plain\n</code></pre>");
  });

  it("links footnote references and back-references to each other", () => {
    const { html } = render("Claim.[^1]\n\n[^1]: Source.\n");
    expect(html).toContain(
      '<a href="#user-content-fn-1" id="user-content-fnref-1" data-footnote-ref aria-describedby="footnote-label">1</a>',
    );
    expect(html).toContain('<li id="user-content-fn-1">');
    expect(html).toContain(
      '<a href="#user-content-fnref-1" data-footnote-backref="" aria-label="Back to reference 1" class="data-footnote-backref">↩</a>',
    );
    expect(html).toContain('<h2 class="sr-only" id="footnote-label">Footnotes</h2>');
  });

  it("renders tables with alignment", () => {
    expect(render("| a | b |\n|:--|--:|\n| 1 | 2 |\n").html).toContain('<td align="right">2</td>');
  });
});

describe("images", () => {
  it("sizes a co-located image and serves it through Next's image optimizer, at a URL naming its bytes", () => {
    const { html, problems } = render("![Three bars](./pictures/bars.png)\n");
    expect(problems).toEqual([]);
    // The first 12 hex digits of the file's SHA-256: a replaced image gets a new URL (lib/content/media.ts).
    const url = "%2Fmedia%2F~f692574338e9%2Fpictures%2Fbars\\.png";
    expect(html).toMatch(new RegExp(`<img src="/_next/image\\?url=${url}&#x26;w=\\d+&#x26;q=75"`));
    expect(html).toContain('alt="Three bars"');
    expect(html).toContain('width="800" height="450"');
    expect(html).toMatch(new RegExp(`srcset="/_next/image\\?url=${url}&#x26;w=\\d+&#x26;q=75 \\d+w,`));
    expect(html).toContain('loading="lazy"');
  });

  it("reports images it cannot size, with their line", () => {
    const { problems } = render(
      "Text.\n\n![Gone](./gone.png)\n\n![Far](https://example.com/a.png)\n\n![](./pictures/bars.png)\n\n![Outside](../content-ok/x.png)\n",
    );
    expect(problems.map((problem) => `${problem.line}: ${problem.message.split(":")[0]}`)).toEqual([
      '3: image "./gone.png"',
      '5: image "https',
      '7: image "./pictures/bars.png"',
      '9: image "../content-ok/x.png"',
    ]);
    expect(problems[3].message).toContain("must be inside the content folder");
  });

  it("points feeds at absolute URLs for images and links", () => {
    const [article] = listArticlesForFeed({ dir: fixtures("content-media"), includeDrafts: false });
    // The image's title is its caption.
    expect(article.html).toContain(
      '<figure><img src="http://localhost:3000/media/~f692574338e9/pictures/bars.png" alt="Three bars" width="800" height="450"><figcaption>Bars</figcaption></figure>',
    );
    expect(article.html).toContain('<a href="http://localhost:3000/articles/other">the other article</a>');
    expect(article.html).toContain('<a href="http://localhost:3000/articles/with-images#a-section">the section</a>');
  });
});

describe("reading time", () => {
  it("counts the words a reader reads, at about 230 a minute, at least one minute", () => {
    expect(readingMinutes("")).toBe(1);
    expect(readingMinutes("word ".repeat(230))).toBe(1);
    expect(readingMinutes("word ".repeat(1150))).toBe(5);
    expect(readingMinutes("l’été 2026, c'est well-known")).toBe(1);
  });

  it("reads text and code but not markup or URLs", () => {
    expect(
      plainText("## Title\n\nSome **bold** [link](https://example.com/a-b-c) and `code`.\n\n```\nx = 1\n```\n"),
    ).toBe("Title Some bold link and code . x = 1");
  });
});
