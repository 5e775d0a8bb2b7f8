import path from "node:path";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import type { Article } from "@/lib/content/articles";
import { listArticlesForFeed } from "@/lib/content/articles";
import { renderAtom, renderCommentAtom, renderRss } from "@/lib/content/feeds";

const articles = listArticlesForFeed({
  dir: path.join(import.meta.dirname, "../fixtures/content-ok"),
  includeDrafts: false,
});
// Text that would break a careless feed: markup in a title, and a CDATA terminator in the body.
const tricky: Article = {
  ...articles[0],
  slug: "tricky",
  title: "Less <than> & “quotes”",
  html: "<p>Ends ]]> early?</p><pre><code>a &lt; b</code></pre>",
  tags: ["C&C"],
  updated: "2026-03-04",
};
const lists = [
  "rss.channel.item",
  "rss.channel.item.category",
  "feed.link",
  "feed.entry",
  "feed.entry.link",
  "feed.entry.category",
];
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  isArray: (_name, jpath) => lists.includes(String(jpath)),
});

describe("RSS 2.0", () => {
  const xml = renderRss([tricky, ...articles]);
  const { rss } = parser.parse(xml);

  it("is well-formed XML with the channel's required elements and a self link", () => {
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(rss["@version"]).toBe("2.0");
    expect(rss.channel).toMatchObject({ title: "Marginalia", link: "http://localhost:3000/", language: "en" });
    expect(rss.channel.description).toBeTruthy();
    expect(rss.channel["atom:link"]).toMatchObject({ "@href": "http://localhost:3000/feed.xml", "@rel": "self" });
    expect(rss.channel.lastBuildDate).toBe("Wed, 04 Mar 2026 00:00:00 GMT");
  });

  it("carries each article whole: title, link, guid, RFC 822 date, author and full HTML", () => {
    expect(rss.channel.item).toHaveLength(3);
    const [first, hello] = rss.channel.item;
    expect(first.title).toBe(tricky.title);
    expect(first["content:encoded"]).toBe(tricky.html);
    expect(first.category[0]).toMatchObject({ "#text": "C&C", "@domain": "http://localhost:3000/tags/c-c" });
    expect(hello).toMatchObject({
      link: "http://localhost:3000/articles/hello-world",
      guid: { "#text": "http://localhost:3000/articles/hello-world", "@isPermaLink": "true" },
      pubDate: "Fri, 02 Jan 2026 00:00:00 GMT",
      "dc:creator": "Test Author",
      description: "A fixture with every markdown feature the site renders.",
    });
    expect(hello["content:encoded"]).toBe(articles[0].html.trim()); // the parser trims text
    expect(hello["content:encoded"]).toContain('<pre><code class="hljs language-ts">');
  });
});

describe("Atom 1.0", () => {
  const xml = renderAtom([tricky, ...articles]);
  const { feed } = parser.parse(xml);

  it("is well-formed XML with the feed's required elements", () => {
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(feed["@xmlns"]).toBe("http://www.w3.org/2005/Atom");
    expect(feed).toMatchObject({ title: "Marginalia", id: "http://localhost:3000/", updated: "2026-03-04T00:00:00Z" });
    expect(feed.author.name).toBe("Ahmad Waqar");
    expect(feed.link.map((link: { "@rel": string }) => link["@rel"])).toEqual(["alternate", "self"]);
  });

  it("gives each entry an id, dates, a link and its full HTML", () => {
    const [first, hello] = feed.entry;
    expect(first).toMatchObject({
      title: tricky.title,
      published: "2026-01-02T00:00:00Z",
      updated: "2026-03-04T00:00:00Z",
    });
    expect(first.content).toMatchObject({ "#text": tricky.html, "@type": "html" });
    expect(hello).toMatchObject({ id: "http://localhost:3000/articles/hello-world", author: { name: "Test Author" } });
    expect(hello.link[0]["@href"]).toBe("http://localhost:3000/articles/hello-world");
    expect(hello.content["#text"]).toBe(articles[0].html.trim()); // the parser trims text
  });
});

describe("an article's comment feed (Atom 1.0)", () => {
  const comments = [
    {
      id: "c2",
      authorName: "Eve <script>",
      html: "<p>Edited ]]> reply</p>",
      createdAt: new Date("2026-02-02T10:00:00Z"),
      editedAt: new Date("2026-02-02T10:05:00Z"),
    },
    {
      id: "c1",
      authorName: "Ada",
      html: "<p><strong>First</strong></p>",
      createdAt: new Date("2026-02-01T09:00:00Z"),
      editedAt: null,
    },
  ];
  const xml = renderCommentAtom({ slug: "hello-world", title: "Hello & welcome" }, comments);
  const { feed } = parser.parse(xml);

  it("is well-formed, titled after the article, with its self link and newest change", () => {
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(feed.title).toBe("Comments on “Hello & welcome”");
    expect(feed.link).toContainEqual(
      expect.objectContaining({ "@rel": "self", "@href": "http://localhost:3000/articles/hello-world/comments.xml" }),
    );
    expect(feed.updated).toBe("2026-02-02T10:05:00.000Z");
  });

  it("has an entry per comment linking to its permalink, with escaped names and the sanitized HTML", () => {
    expect(feed.entry).toHaveLength(2);
    const [edited, first] = feed.entry;
    expect(edited.id).toBe("http://localhost:3000/articles/hello-world#comment-c2");
    expect(edited.link[0]["@href"]).toBe("http://localhost:3000/articles/hello-world#comment-c2");
    expect(edited.author.name).toBe("Eve <script>");
    expect(edited.content["#text"]).toBe("<p>Edited ]]> reply</p>");
    expect(edited.updated).toBe("2026-02-02T10:05:00.000Z");
    expect(first).toMatchObject({ published: "2026-02-01T09:00:00.000Z", updated: "2026-02-01T09:00:00.000Z" });
    expect(xml).not.toContain("<script>");
  });
});

describe("a comment feed with a row stored before names and bodies were cleaned", () => {
  // Characters XML 1.0 forbids, even as character references: one of them used to make every
  // subscriber's parser refuse the whole feed.
  const bad = {
    id: "c1",
    authorName: "Eve\uFFFE\u0001 Bad",
    html: "<p>Still\uFFFF here\u0008\uD800 😀</p>",
    createdAt: new Date("2026-02-01T09:00:00Z"),
    editedAt: null,
  };
  const xml = renderCommentAtom({ slug: "hello-world", title: "Hello\u000B" }, [bad]);

  it("stays well-formed and keeps the comment, without the forbidden characters", () => {
    expect(XMLValidator.validate(xml)).toBe(true);
    const { feed } = parser.parse(xml);
    expect(feed.entry).toHaveLength(1);
    expect(feed.entry[0].author.name).toBe("Eve Bad");
    expect(feed.entry[0].content["#text"]).toBe("<p>Still here 😀</p>");
    expect(xml).not.toMatch(/[\u0000-\u0008\u000B\uFFFE\uFFFF]/);
  });
});
