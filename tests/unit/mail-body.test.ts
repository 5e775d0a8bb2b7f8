// A mail's two parts come from one source (lib/mail/body.ts): the HTML part escapes, the text part
// is the text itself. A comment's text part is its sanitized HTML read back (lib/mail/comment-text.ts),
// with no entity left, whichever writer made the HTML.
import { parseFragment } from "parse5";
import { describe, expect, it } from "vitest";
import { comment, heading, link, links, paragraph, renderMail, strong } from "@/lib/mail/body";
import { commentText, decodeEntities } from "@/lib/mail/comment-text";
import { MARKUP_BUDGET, renderCommentMarkdown } from "@/lib/content/comment-markdown";

const textOf = (markdown: string) => commentText(renderCommentMarkdown(markdown));

/** What a browser shows of some HTML: its text nodes, entities read. */
function shown(html: string): string {
  type Node = { nodeName: string; value?: string; childNodes?: Node[] };
  const walk = (node: Node): string =>
    node.nodeName === "#text" ? node.value! : (node.childNodes ?? []).map(walk).join("");
  return walk(parseFragment(html) as Node);
}

describe("a comment in the text part", () => {
  it("is what the reader typed: no entity, in any of the forms the HTML writers use", () => {
    expect(renderCommentMarkdown("a < b && c")).toBe("<p>a &#x3C; b &#x26;&#x26; c</p>");
    expect(textOf("a < b && c")).toBe("a < b && c");
    expect(textOf(`"quotes" 'too' > and <b>tags</b>`)).toBe(`"quotes" 'too' > and <b>tags</b>`);
    expect(textOf("&amp; typed as an entity stays &amp;")).toBe("& typed as an entity stays &");
    expect(decodeEntities("&lt;&gt;&amp;&quot;&#x27;&#39;&#x1F600;&#128512;&nbsp;&bogus;")).toBe(
      "<>&\"''😀😀\u00a0&bogus;",
    );
  });

  it("keeps a comment over the markup budget, shown as typed (escapeHtml's &lt; and &#x27;), as typed", () => {
    const typed = `${"<i> & ".repeat(MARKUP_BUDGET)}it's`;
    expect(renderCommentMarkdown(typed)).toContain("&lt;i&gt; &amp;");
    expect(textOf(typed)).toBe(typed.trim());
  });

  it("keeps paragraphs, line breaks, quotes, lists, code and links readable", () => {
    const markdown = [
      "First line",
      "second line",
      "",
      '> quoted "text" & more',
      "> > nested",
      "",
      "- one",
      "- two",
      "",
      "3. three",
      "4. four",
      "",
      "```",
      "if (a < b) {",
      "  return c && d;",
      "}",
      "```",
      "",
      "`x<y` and **bold** and *em*, [the site](https://example.org/?a=1&b=2), https://bare.example/x",
    ].join("\n");
    expect(textOf(markdown)).toBe(
      [
        "First line",
        "second line",
        "",
        '> quoted "text" & more',
        ">",
        "> > nested",
        "",
        "- one",
        "- two",
        "",
        "3. three",
        "4. four",
        "",
        "if (a < b) {",
        "  return c && d;",
        "}",
        "",
        "x<y and bold and em, the site (https://example.org/?a=1&b=2), https://bare.example/x",
      ].join("\n"),
    );
  });
});

describe("a mail's two parts", () => {
  const mail = renderMail(
    [
      heading`${link("Tips & <tricks>", "https://example.org/a?x=1&y=2")}`,
      paragraph`${strong("Ann & <Bob>")} replied on ${link("R&D", "https://example.org/r")}:`,
      comment("a < b && c"),
      links(link("Hide", "https://example.org/h?t=1&u=2"), link("Delete", "https://example.org/d")),
    ],
    [paragraph`Each link works once, for ${48} hours.`],
  );

  it("say the same: the text part in plain words, the HTML part escaped and showing the same words", () => {
    expect(mail.text).toBe(
      [
        "Tips & <tricks> (https://example.org/a?x=1&y=2)",
        "",
        "Ann & <Bob> replied on R&D (https://example.org/r):",
        "",
        "a < b && c",
        "",
        "Hide: https://example.org/h?t=1&u=2",
        "Delete: https://example.org/d",
        "",
        "-- ",
        "Each link works once, for 48 hours.",
        "",
      ].join("\n"),
    );
    expect(mail.html).toContain('<a href="https://example.org/a?x=1&amp;y=2">Tips &amp; &lt;tricks&gt;</a>');
    expect(mail.html).toContain("<strong>Ann &amp; &lt;Bob&gt;</strong>");
    expect(mail.html).toContain("<blockquote><p>a &#x3C; b &#x26;&#x26; c</p></blockquote>");
    expect(shown(mail.html)).toContain("Ann & <Bob> replied on R&D:a < b && cHide · Delete");
  });
});
