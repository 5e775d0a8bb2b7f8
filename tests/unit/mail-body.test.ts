// A mail's two parts come from one source (lib/mail/body.ts): the HTML part escapes, the text part
// is the text itself. A comment's text part is its markdown as the reader wrote it, tidied and bounded.
import { parseFragment } from "parse5";
import { describe, expect, it } from "vitest";
import {
  buttons,
  comment,
  commentText,
  heading,
  link,
  links,
  paragraph,
  quoted,
  renderMail,
  strong,
} from "@/lib/mail/body";
import { MARKUP_BUDGET, renderCommentMarkdown } from "@/lib/content/comment-markdown";

/** What a browser shows of some HTML: its text nodes, entities read. */
function shown(html: string): string {
  type Node = { nodeName: string; value?: string; childNodes?: Node[] };
  const walk = (node: Node): string =>
    node.nodeName === "#text" ? node.value! : (node.childNodes ?? []).map(walk).join("");
  return walk(parseFragment(html) as Node);
}

describe("a comment in the text part", () => {
  it("is the markdown the reader typed: no entity, no markup read back", () => {
    expect(renderCommentMarkdown("a < b && c")).toBe("<p>a &#x3C; b &#x26;&#x26; c</p>");
    expect(commentText("a < b && c")).toBe("a < b && c");
    expect(commentText(`"quotes" 'too' > and <b>tags</b>`)).toBe(`"quotes" 'too' > and <b>tags</b>`);
    const markdown =
      "> quoted\n\n- one\n- two\n\n```\nif (a < b) {\n  return c && d;\n}\n```\n\n**bold** [site](https://example.org/?a=1&b=2)";
    expect(commentText(markdown)).toBe(markdown);
  });

  it("is tidied at its edges: one kind of line end, no trailing spaces (no '-- ' signature line), one blank line at most", () => {
    expect(commentText("\r\n  Hi  \r\n\r\n\r\n\r\n-- \r\nAnn\t\n\n")).toBe("Hi\n\n--\nAnn");
  });

  it("is bounded: an imported body longer than a comment may be is cut at a word", () => {
    const long = "word ".repeat(3_000);
    const text = commentText(long);
    expect(text.length).toBeLessThanOrEqual(5_004);
    expect(text).toMatch(/^word( word)+ \[…\]$/);
    expect(commentText("x".repeat(6_000))).toBe(`${"x".repeat(5_000)} […]`);
  });

  it("keeps a comment over the HTML's markup budget as typed", () => {
    const typed = `${"<i> & ".repeat(MARKUP_BUDGET)}it's`;
    expect(renderCommentMarkdown(typed)).toContain("&lt;i&gt; &amp;");
    expect(commentText(typed)).toBe(typed.trim());
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
    expect(mail.html).toMatch(/<blockquote [^>]*><p>a &#x3C; b &#x26;&#x26; c<\/p><\/blockquote>/);
    expect(shown(mail.html)).toContain("Ann & <Bob> replied on R&D:a < b && cHide · Delete");
  });
});

describe("a mail's look", () => {
  const mail = renderMail(
    [
      paragraph`${strong("Ann")} replied on ${link("An article", "https://example.org/a")}:`,
      quoted("Your comment:", "I think **so**."),
      comment("Me too."),
      buttons(link("Approve", "https://example.org/a?t=1&u=2"), link("Hide", "https://example.org/h")),
    ],
    [paragraph`Why you get this.`],
  );

  it("is the site's: its name at the top, in both light and dark clients, from tables and inline styles", () => {
    expect(mail.html).toMatch(/^<!doctype html><html lang="en"><head><meta charset="utf-8">/);
    expect(mail.html).toContain('<meta name="color-scheme" content="light dark">');
    expect(mail.html).toMatch(/<a href="[^"]+" class="site-name"[^>]*>Marginalia<\/a>/);
    // No page background and no text colour: a dark client keeps its own; no SVG, no remote image.
    expect(mail.html).not.toMatch(/<body[^>]*background|bgcolor|<svg|<img/);
    expect(mail.html).not.toMatch(/<div|<link /);
  });

  it("has buttons a thumb can press: one link each, 44 px tall, escaped", () => {
    const anchors = [...mail.html.matchAll(/<a href="([^"]+)" class="button" style="([^"]+)">([^<]+)<\/a>/g)];
    expect(anchors.map((a) => [a[1], a[3]])).toEqual([
      ["https://example.org/a?t=1&amp;u=2", "Approve"],
      ["https://example.org/h", "Hide"],
    ]);
    for (const [, , style] of anchors) {
      const padding = Number(/padding:(\d+)px/.exec(style)![1]);
      const line = Number(/line-height:(\d+)px/.exec(style)![1]);
      expect(2 * padding + line + 2).toBeGreaterThanOrEqual(44);
    }
    expect(mail.text).toContain("Approve: https://example.org/a?t=1&u=2\nHide: https://example.org/h");
  });

  it("quotes the reader's own comment above the reply, in both parts", () => {
    expect(mail.text).toContain("Your comment:\n> I think **so**.\n\nMe too.");
    expect(shown(mail.html)).toContain("Your comment:I think so.Me too.");
  });
});
