import { parseFragment, serialize } from "parse5";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { commentHtml, isInteractive, ownDirection, type CommentContext } from "@/lib/comments/html";
import type { CommentView } from "@/lib/comments/store";
import { InteractiveComment } from "@/components/comments/CommentItem";

const context: CommentContext = {
  slug: "monolith-vs-microservices",
  sort: "newest",
  threads: 100,
  name: "",
  token: "token",
  editMinutes: 15,
  now: Date.parse("2026-05-01T12:00:00Z"),
};

const comment = (id: string, changes: Partial<CommentView> = {}): CommentView => ({
  id,
  depth: 1,
  authorName: `O'Brien <b>&</b> "Co"`,
  replyToName: null,
  html: "<p>Hello <em>there</em></p>",
  markdown: null,
  createdAt: new Date("2026-05-01T10:30:00Z"),
  editedAt: null,
  placeholder: null,
  pending: false,
  pinned: false,
  reactions: 2,
  reacted: false,
  own: false,
  byAuthor: false,
  avatar: { initials: "O", tone: 3 },
  replies: [],
  ...changes,
});

// The same tree as the browser reads it: attribute quoting, entities and React's text separators aside.
const normalized = (html: string) => {
  const strip = (node: { childNodes?: unknown[] }) => {
    node.childNodes = (node.childNodes ?? []).filter(
      (child) => (child as { nodeName: string }).nodeName !== "#comment",
    );
    for (const child of node.childNodes) strip(child as { childNodes?: unknown[] });
    return node;
  };
  return serialize(strip(parseFragment(html) as never) as never);
};

describe("a comment written as one string of HTML", () => {
  const thread = comment("root", {
    reactions: 1,
    reacted: true,
    editedAt: new Date("2026-05-01T11:00:00Z"),
    replies: [
      comment("deleted", {
        depth: 2,
        placeholder: "deleted",
        html: "",
        replies: [comment("deep", { depth: 3, replyToName: "Ada & Co" })],
      }),
    ],
  });

  it("is the markup React renders for it, replies, placeholders and special characters included", () => {
    const react = renderToStaticMarkup(createElement(InteractiveComment, { comment: thread, context }));
    expect(normalized(commentHtml(thread, context))).toBe(normalized(react));
  });

  it("escapes what readers wrote in names", () => {
    const html = commentHtml(thread, context);
    expect(html).not.toContain("<b>");
    expect(html).toContain("O&#x27;Brien &lt;b&gt;&amp;&lt;/b&gt; &quot;Co&quot;");
  });

  it("escapes ids too, so an id brought in by an import stays an attribute value", () => {
    const hostile = `x"><img src=x onerror=alert(1)>`;
    const html = commentHtml(comment(hostile, { replies: [comment(`${hostile}2`, { depth: 2 })] }), context);
    const elements: string[] = [];
    const attributes: string[] = [];
    const walk = (node: { nodeName: string; attrs?: { name: string }[]; childNodes?: unknown[] }) => {
      elements.push(node.nodeName);
      attributes.push(...(node.attrs ?? []).map((attribute) => attribute.name));
      for (const child of node.childNodes ?? []) walk(child as typeof node);
    };
    walk(parseFragment(html) as never);
    // No element and no attribute comes from the id: the page's own markup alone.
    expect(elements).not.toContain("img");
    expect(attributes).not.toContain("onerror");
    expect(html).toContain(`href="#comment-x&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"`);
    // The same markup as React's, which escapes every attribute.
    const thread = comment(hostile);
    expect(normalized(commentHtml(thread, context))).toBe(
      normalized(renderToStaticMarkup(createElement(InteractiveComment, { comment: thread, context }))),
    );
  });

  it("shows a fediverse reply's handle and a link to the original, escaped, as React does", () => {
    const reply = comment("remote", {
      fediverse: { handle: `@a"<b>@mastodon.example`, url: `https://mastodon.example/@a/1?x="><script>` },
    });
    const html = commentHtml(reply, context);
    expect(html).toContain('<span class="comment-handle" dir="ltr"> @a&quot;&lt;b&gt;@mastodon.example</span>');
    expect(html).toContain('href="https://mastodon.example/@a/1?x=&quot;&gt;&lt;script&gt;"');
    expect(html).not.toContain("<script");
    expect(normalized(html)).toBe(
      normalized(renderToStaticMarkup(createElement(InteractiveComment, { comment: reply, context }))),
    );
  });

  it("shows a comment's likes from the fediverse, as React does", () => {
    const liked = comment("liked");
    const withLikes = { ...context, fediverseLikes: { liked: 2 } };
    const html = commentHtml(liked, withLikes);
    expect(html).toContain('<span class="comment-fediverse-likes"> 2 likes on the fediverse</span>');
    expect(normalized(html)).toBe(
      normalized(renderToStaticMarkup(createElement(InteractiveComment, { comment: liked, context: withLikes }))),
    );
    expect(commentHtml(liked, context)).not.toContain("comment-fediverse-likes");
  });

  it("is used only where no form is open and nothing is for this reader's eyes only", () => {
    expect(isInteractive(thread, context)).toBe(false);
    expect(isInteractive(thread, { ...context, replyTo: "deep" })).toBe(true);
    expect(isInteractive(comment("x", { replies: [comment("mine", { own: true })] }), context)).toBe(false);
    const pending = comment("mine", { own: true, pending: true });
    expect(isInteractive(comment("x", { replies: [pending] }), context)).toBe(true);
  });

  it("shows the reader's own comment with Edit and Delete while they may, as React does", () => {
    const mine = comment("mine", { own: true, createdAt: new Date(context.now - 60_000) });
    const html = commentHtml(mine, context);
    // Edit says how long it stays possible: 15 minutes from a minute ago.
    expect(html).toContain(">Edit (14 min left)</a>");
    expect(html).toContain('action="/articles/monolith-vs-microservices/delete"');
    // Delete asks first, without JavaScript: a disclosure holding the button that deletes.
    expect(html).toMatch(
      /<details class="delete"><summary>Delete<\/summary><form [^>]*>.*Delete your comment\? <button type="submit" class="danger">Yes, delete<\/button><\/form><\/details>/,
    );
    // The last seconds still count as a minute, never "0 min left".
    const late = comment("mine", { own: true, createdAt: new Date(context.now - 15 * 60_000 + 5_000) });
    expect(commentHtml(late, context)).toContain(">Edit (1 min left)</a>");
    expect(normalized(html)).toBe(
      normalized(renderToStaticMarkup(createElement(InteractiveComment, { comment: mine, context }))),
    );
    // Written an hour and a half before `now`, past the 15 minutes.
    expect(commentHtml(comment("mine", { own: true }), context)).not.toMatch(/Edit|Delete/);
  });

  it("names 👍 and Reply by what they show: the count when there is one, and whom Reply answers", () => {
    // A control's text as a screen reader reads it: the visually hidden label, then what is seen.
    const textOf = (html: string, selector: RegExp) =>
      selector
        .exec(html)![1]
        .replace(/<[^>]+>/g, "")
        .replace(/&amp;/g, "&");
    const none = commentHtml(comment("none", { reactions: 0, authorName: "Ada & Co" }), context);
    expect(textOf(none, /<button[^>]*class="reaction"[^>]*>(.*?)<\/button>/)).toBe("Thumbs up");
    expect(none).not.toContain("aria-label");
    expect(textOf(none, /<a[^>]*class="reply-link"[^>]*>(.*?)<\/a>/)).toBe("Reply to Ada & Co");
    const seven = commentHtml(comment("seven", { reactions: 7, reacted: true }), context);
    expect(textOf(seven, /<button[^>]*class="reaction"[^>]*>(.*?)<\/button>/)).toBe("Thumbs up 7");
    expect(seven).toContain('aria-pressed="true"');
    for (const one of [comment("none", { reactions: 0 }), comment("seven", { reactions: 7 })])
      expect(normalized(commentHtml(one, context))).toBe(
        normalized(renderToStaticMarkup(createElement(InteractiveComment, { comment: one, context }))),
      );
    // The avatar is decorative beside the name: initials on a tone, hidden from screen readers.
    expect(none).toContain('<span class="avatar t3" aria-hidden="true">O</span><span class="comment-author">');
    expect(none).toContain("Reply<span> to Ada &amp; Co</span>");
    // What readers wrote keeps its own direction in the site's, as dir="auto" would find it: said
    // where it differs (an Arabic name and comment on an English site), nothing where it does not.
    expect(none).toContain('<div class="comment-body">');
    const arabic = comment("arabic", { authorName: "سلمى", html: "<p>نص عربي مع <code>x</code></p>" });
    const written = commentHtml(arabic, context);
    expect(written).toContain('<span class="comment-author" dir="rtl">سلمى</span>');
    expect(written).toContain('<div class="comment-body" dir="rtl">');
    expect(normalized(written)).toBe(
      normalized(renderToStaticMarkup(createElement(InteractiveComment, { comment: arabic, context }))),
    );
    expect(ownDirection("Ada", "rtl")).toBe("ltr");
    expect(ownDirection("&quot;123&quot; سلام", "ltr")).toBe("rtl");
    expect(ownDirection("123 !?", "ltr")).toBeUndefined();
    // Markup and entities are not letters: the first letter of the text decides.
    expect(ownDirection('<a href="https://example.com/x">&amp; <b>שלום</b></a> world', "ltr")).toBe("rtl");
    expect(ownDirection("<p><code>42</code> &#1575; &lt;</p>", "rtl")).toBeUndefined();
    // A locked discussion has no Reply.
    expect(commentHtml(comment("locked"), { ...context, locked: true })).not.toContain("reply-link");
  });
});
