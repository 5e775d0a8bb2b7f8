import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { plainText, renderArticleMarkdown } from "@/lib/content/markdown";
import { highlightedLines } from "@/lib/content/remark/code-lines";

const fixtures = (name: string) => path.join(import.meta.dirname, "../fixtures", name);
const render = (markdown: string) =>
  renderArticleMarkdown(markdown, {
    sourceFile: fixtures("content-media/x.md"),
    contentDir: fixtures("content-media"),
    publicDir: fixtures("public"),
  });

describe("math", () => {
  it("renders $…$ and $$…$$ with KaTeX at build time, as HTML and MathML, with no TeX left in the text", () => {
    const { html, problems } = render("Energy $E = mc^2$ here.\n\n$$\n\\int_0^1 x\\,dx = \\tfrac12\n$$\n");
    expect(problems).toEqual([]);
    expect(html).toContain('<span class="katex">');
    expect(html).toContain("<math");
    expect(html).toContain('class="katex-display"');
    expect(html).not.toContain("$E");
  });

  it("keeps the author's markup out even inside math", () => {
    const { html } = render("$\\text{<script>alert(1)</script>}$\n");
    expect(html).not.toContain("<script");
  });

  it("leaves TeX out of the words search and reading time use", () => {
    expect(plainText("Energy $E = mc^2$ here.\n\n$$\nx^2\n$$\n")).toBe("Energy here.");
  });
});

describe("task lists", () => {
  it("labels each checkbox with its item's text and keeps its state", () => {
    const { html } = render("- [x] Done thing\n- [ ] Open thing\n");
    expect(html).toContain(
      '<li class="task-list-item"><label><input type="checkbox" checked disabled> Done thing</label></li>',
    );
    expect(html).toContain('<label><input type="checkbox" disabled> Open thing</label>');
  });
});

describe("figures", () => {
  it("turns an image with a title into a figure with a caption, and leaves other images alone", () => {
    const { html } = render(
      '![Three bars](./pictures/bars.png "Sales by quarter")\n\nText ![Three bars](./pictures/bars.png "inline") more.\n',
    );
    expect(html).toMatch(
      /<figure><img [^>]*alt="Three bars"[^>]*><figcaption>Sales by quarter<\/figcaption><\/figure>/,
    );
    expect(html).toMatch(/<p>Text <img [^>]*title="inline"/);
  });
});

describe("code blocks", () => {
  it("numbers lines and marks the ones named in the fence", () => {
    const { html } = render("```ts showLineNumbers {2}\nconst a = `x\ny`;\nconst b = 2;\n```\n");
    expect(html).toContain('<code class="hljs language-ts line-numbers">');
    // A string that spans a line end is cut into one span per line.
    expect(html).toContain(
      '<span class="line"><span class="hljs-keyword">const</span> a = <span class="hljs-string">`x</span></span>\n<span class="line highlighted"><span class="hljs-string">y`</span>;</span>',
    );
    expect(highlightedLines("{1,3-4}")).toEqual(new Set([1, 3, 4]));
    expect(highlightedLines("")).toEqual(new Set());
  });
});

describe("mermaid diagrams", () => {
  beforeEach(() => {
    process.env.MERMAID_RENDER = "off";
  });
  afterEach(() => {
    delete process.env.MERMAID_RENDER;
  });

  it("stays a readable code block with a visible note when no browser can draw it, without failing", () => {
    const { html, problems } = render("```mermaid\ngraph LR\n  A --> B\n```\n");
    expect(problems).toEqual([]);
    expect(html).toContain("graph LR");
    expect(html).toContain('<p class="diagram-note">This diagram could not be drawn');
  });

  it("is left out of search text", () => {
    expect(plainText("Before.\n\n```mermaid\ngraph LR\n  A --> B\n```\n")).toBe("Before.");
  });
});
