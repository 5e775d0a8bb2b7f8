import { parseFragment, type DefaultTreeAdapterMap } from "parse5";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  countLinks,
  mayHoldMoreLinks,
  parsedLinksAndText,
  plainLinksAndText,
  renderCommentForPage,
  renderCommentMarkdown,
  renderWithBareLinks,
} from "@/lib/content/comment-markdown";

type Node = DefaultTreeAdapterMap["node"];
const ALLOWED_TAGS = new Set(["p", "br", "em", "strong", "code", "pre", "a", "blockquote", "ul", "ol", "li"]);
const ALLOWED_ATTRIBUTES: Record<string, Set<string>> = { a: new Set(["href", "rel"]), ol: new Set(["start"]) };

/** Every element a browser would build from the HTML, as parsed by a spec-compliant parser. */
function elements(html: string): { tag: string; attrs: { name: string; value: string }[] }[] {
  const found: { tag: string; attrs: { name: string; value: string }[] }[] = [];
  const walk = (node: Node) => {
    if ("tagName" in node) found.push({ tag: node.tagName, attrs: node.attrs });
    if ("childNodes" in node) node.childNodes.forEach(walk);
    if ("content" in node && node.content) node.content.childNodes.forEach(walk);
  };
  parseFragment(html).childNodes.forEach(walk);
  return found;
}

function expectInert(html: string) {
  for (const { tag, attrs } of elements(html)) {
    expect(ALLOWED_TAGS, `tag <${tag}> in ${html}`).toContain(tag);
    for (const { name, value } of attrs) {
      expect(ALLOWED_ATTRIBUTES[tag]?.has(name), `attribute ${name} on <${tag}> in ${html}`).toBe(true);
      if (name === "href") expect(value, html).toMatch(/^(https?:|mailto:)/i);
    }
  }
}

// Script tags, event handlers, javascript:/data:/vbscript: URLs, SVG and MathML, entity and
// encoding tricks, and markdown's own ways to make links and images.
const PAYLOADS = [
  "<script>alert(1)</script>",
  "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
  "<scr<script>ipt>alert(1)</script>",
  "<img src=x onerror=alert(1)>",
  '<img src="javascript:alert(1)">',
  "<body onload=alert(1)>",
  "<svg onload=alert(1)>",
  "<svg><script>alert(1)</script></svg>",
  '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
  "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
  '<iframe src="javascript:alert(1)"></iframe>',
  '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
  '<object data="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="></object>',
  '<embed src="javascript:alert(1)">',
  '<a href="javascript:alert(1)">click</a>',
  '<a href="JaVaScRiPt:alert(1)">click</a>',
  '<a href="&#106;avascript:alert(1)">click</a>',
  '<a href="jav&#x09;ascript:alert(1)">click</a>',
  '<div style="background:url(javascript:alert(1))">x</div>',
  "<style>@import 'http://evil.example/x.css';</style>",
  "<link rel=stylesheet href=http://evil.example/x.css>",
  '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
  '<form action="javascript:alert(1)"><button>x</button></form>',
  "<input onfocus=alert(1) autofocus>",
  "<details open ontoggle=alert(1)>",
  "<video><source onerror=alert(1)></video>",
  '<base href="javascript:/">',
  "<p onclick=alert(1)>x</p>",
  '<a href=x id="__proto__" name=x>x</a>',
  "[click](javascript:alert(1))",
  "[click](JAVASCRIPT:alert(1))",
  "[click](  javascript:alert(1)  )",
  "[click](java\u0000script:alert(1))",
  "[click](&#106;avascript:alert(1))",
  "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
  "[click](vbscript:msgbox(1))",
  "[click](<javascript:alert(1)>)",
  "[click][ref]\n\n[ref]: javascript:alert(1)",
  "<javascript:alert(1)>",
  "![x](javascript:alert(1))",
  '![x" onerror="alert(1)](https://example.com/x.png)',
  '![x](https://example.com/x.png "title" onerror=alert(1))',
  '[x](https://example.com "a" onmouseover="alert(1)")',
  "[<img src=x onerror=alert(1)>](https://example.com)",
  "`<script>alert(1)</script>`",
  "```html\n<script>alert(1)</script>\n```",
  "> <script>alert(1)</script>",
  "- <img src=x onerror=alert(1)>",
  "&lt;script&gt;alert(1)&lt;/script&gt;",
  "&#60;script&#62;alert(1)&#60;/script&#62;",
  "<!--<script>alert(1)</script>-->",
  "<![CDATA[<script>alert(1)</script>]]>",
  '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
  "<textarea></textarea><script>alert(1)</script>",
];

describe("the comment sanitizer", () => {
  it("has a corpus of at least 40 payloads", () => {
    expect(PAYLOADS.length).toBeGreaterThanOrEqual(40);
  });

  it.each(PAYLOADS)("leaves nothing executable of %j", (payload) => {
    const html = renderCommentMarkdown(payload);
    expectInert(html);
    // Typed markup survives only as escaped text (&#x3C;img …), never as a tag.
    expect(html).not.toMatch(/<(script|img|svg|math|iframe|object|embed|style|link|meta|base|form|input)\b/i);
  });

  it("renders the supported subset", () => {
    const html = renderCommentMarkdown(
      "Some *emphasis*, **strong** and `code`.\n\n> a quote\n\n- one\n- two\n\n3. three\n\n```\nblock\n```\n\n[a link](https://example.com) and https://example.org",
    );
    expect(html).toContain("<em>emphasis</em>");
    expect(html).toContain("<strong>strong</strong>");
    expect(html).toContain("<code>code</code>");
    expect(html).toMatch(/<blockquote>\s*<p>a quote<\/p>\s*<\/blockquote>/);
    expect(html).toMatch(/<ul>\s*<li>one<\/li>\s*<li>two<\/li>\s*<\/ul>/);
    expect(html).toContain('<ol start="3">');
    expect(html).toContain("<pre><code>block\n</code></pre>");
    expect(html).toContain('<a href="https://example.com" rel="nofollow ugc">a link</a>');
    expect(html).toContain('<a href="https://example.org" rel="nofollow ugc">https://example.org</a>');
    expectInert(html);
  });

  it("makes a page's code blocks focusable regions, and only the blocks the markdown made", () => {
    const html = renderCommentForPage("```\nblock\n```\n\n```\nagain\n```\n\nTyped: <pre>x</pre> and `<pre>`");
    expect(html.match(/<pre tabindex="0" role="region" aria-label="Code"><code>/g)).toHaveLength(2);
    expect(html).toContain("Typed: &#x3C;pre>x&#x3C;/pre> and <code>&#x3C;pre></code>");
    expect(elements(html).filter(({ tag }) => tag === "pre")).toHaveLength(2);
    // Mail and feeds take the HTML as it was.
    expect(renderCommentMarkdown("```\nblock\n```")).toBe("<pre><code>block\n</code></pre>");
  });

  it("shows raw HTML, images and headings as text rather than dropping what the reader typed", () => {
    expect(renderCommentMarkdown("I <b>love</b> it")).toBe("<p>I &#x3C;b>love&#x3C;/b> it</p>");
    expect(renderCommentMarkdown("![a cat](https://example.com/cat.png)")).toBe("<p>[image: a cat]</p>");
    expect(renderCommentMarkdown("# Loud")).toBe("<p><strong>Loud</strong></p>");
  });

  it("counts links of every kind", () => {
    expect(countLinks("no links")).toBe(0);
    expect(
      countLinks("[a](https://a.example) https://b.example <https://c.example> [d][1]\n\n[1]: https://d.example"),
    ).toBe(4);
  });

  // Validation parses only a body that might hold more links than the limit (mayHoldMoreLinks):
  // the shortcut must never let one more through.
  it("never takes a body with too many links for one with few", () => {
    const pieces = fc.constantFrom(
      "[a]",
      "[a](https://x.example)",
      "[a][1]",
      "\n\n[1]: https://y.example",
      "\n[a]: https://z.example",
      "<ftp://f.example>",
      "<me@mail.example>",
      "me@mail.example",
      "WWW.example.com",
      "HTTPS://w.example",
      "www.",
      "xmpp:me@chat.example",
      "mailto:me@mail.example",
      "text",
      " ",
      "\n",
      "\n> ",
      "\n- ",
      "*",
      "`",
    );
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 30 }), fc.integer({ min: 0, max: 6 }), (parts, max) => {
        const body = parts.join("");
        if (!mayHoldMoreLinks(body, max)) expect(countLinks(body)).toBeLessThanOrEqual(max);
      }),
      { numRuns: 2_000 },
    );
    expect(mayHoldMoreLinks("Six [a] [a] [a] [a] [a] [a]\n\n[a]: https://x.example", 5)).toBe(true);
    expect(mayHoldMoreLinks("A fair point, and [one link](https://example.com).", 5)).toBe(false);
  });
});

/** Pieces of markdown both generators below put comments together from (each adds its own). */
const MARKDOWN_PIECES = [
  "word",
  "Wörter",
  " ",
  "  ",
  "\n",
  "\n\n",
  "\t",
  "[",
  "]",
  "(",
  ")",
  "[label](https://example.com/a)",
  "*",
  "**",
  "_",
  "-",
  "+",
  "#",
  ">",
  "=",
  "1.",
  "2)",
  "!",
  ":",
  ".",
  "@",
  "<",
  "&",
  "\\",
  "`",
  "~~~",
  "|",
  "example.com",
];

describe("the links of a plain comment, read without the parser", () => {
  // What the spam score reads of them: the addresses, and the words outside the links.
  const words = (text: string) => text.match(/[\p{L}\p{N}]{2,}/gu) ?? [];
  const agree = (markdown: string) => {
    const plain = plainLinksAndText(markdown);
    if (!plain) return false;
    const parsed = parsedLinksAndText(markdown);
    expect({ urls: plain.urls, words: words(plain.text) }, JSON.stringify(markdown)).toEqual({
      urls: parsed.urls,
      words: words(parsed.text),
    });
    return true;
  };

  it("reads a sentence with links as the parser does", () => {
    expect(agree("Nice post, see [the docs](https://example.com/docs) and [this](http://x.org/a?b=1#c).")).toBe(true);
    expect(agree("Some *fine* words and a [link](https://example.com/1).\nA second line.\n\nA paragraph [](x).")).toBe(
      true,
    );
    expect(plainLinksAndText("[only a link](https://spam.example)")).toEqual({
      urls: ["https://spam.example"],
      text: " ",
    });
  });

  it("leaves to the parser anything that may be another construct", () => {
    for (const markdown of [
      "see https://example.com",
      "see www.example.com",
      "mail me@example.com",
      "![img](https://example.com/a.png)",
      "[a]: https://example.com\n[a]",
      "[a][b]",
      "[a](<https://example.com>)",
      "[a `b](c)` d",
      "[a <b](c)> d",
      "[a](b) &amp; c",
      "\\[a](b)",
      "- [a](b)",
      "> [a](b)",
      "1. [a](b)",
      "    [a](b)",
      "# [a](b)",
      "text\n---",
      "[a](https://en.wikipedia.org/wiki/A_(b))",
      "[a](b 'title')",
      "[a\nb](c)",
    ])
      expect(plainLinksAndText(markdown), markdown).toBeNull();
  });

  it("agrees with the parser on generated comments", () => {
    const piece = fc.constantFrom(
      ...MARKDOWN_PIECES,
      "слово",
      "[](x)",
      "[*two* words](y.html)",
      ",",
      "http",
      "://",
      "www.",
      "&amp;",
      "a.b",
      "é",
      "x_y",
    );
    let plain = 0;
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 24 }), (pieces) => {
        if (agree(pieces.join(""))) plain++;
      }),
      { numRuns: 5_000 },
    );
    // The generator reaches the fast path often enough for the agreement to mean something.
    expect(plain).toBeGreaterThan(500);
  });
});

describe("a comment that cannot hold a bare link", () => {
  // Rendered without the bare-link syntax, which costs half the parse: it must come out the same.
  it("renders as with bare links looked for, on generated comments", () => {
    const piece = fc.constantFrom(
      ...MARKDOWN_PIECES,
      "    ",
      "[a]: x.html",
      "__",
      "/",
      "w",
      "ww",
      "h",
      "tt",
      "p",
      "ttp",
      "s://",
      "<b>",
      "```",
      "~",
      "&#64;",
      "&commat;",
      "&#x77;",
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (parts) => {
        // A text new to the cache each time: the shortcut renders it.
        const body = `${parts.join("")} ${Math.random()}`;
        expect(renderCommentMarkdown(body), JSON.stringify(body)).toBe(renderWithBareLinks(body));
      }),
      { numRuns: 3_000 },
    );
  });

  it("still links what a character reference spells", () => {
    expect(renderCommentMarkdown("write to a&#64;example.com")).toContain('href="mailto:a@example.com"');
  });
});
