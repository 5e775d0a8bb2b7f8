import { XMLParser, XMLValidator } from "fast-xml-parser";
// The serializer `next build` itself uses for app/sitemap.ts and app/robots.ts.
import { resolveRobots, resolveSitemap } from "next/dist/build/webpack/loaders/metadata/resolve-route-data";
import { describe, expect, it } from "vitest";
import robots from "@/app/robots";
import sitemap from "@/app/sitemap";
import { listArticles } from "@/lib/content/articles";
import { articleMetadata, blogPostingJsonLd, jsonLdScript } from "@/lib/content/seo";

const [seed] = listArticles({ includeDrafts: false });
const URL = "http://localhost:3000/articles/monolith-vs-microservices";

describe("an article's metadata", () => {
  it("has its title, description, canonical URL, Open Graph article tags and a large Twitter card", () => {
    expect(articleMetadata(seed)).toEqual({
      title: seed.title,
      description: seed.description,
      authors: [{ name: "Ahmad Waqar" }],
      keywords: ["architecture", "nextjs", "fastapi", "django"],
      alternates: {
        canonical: URL,
        types: {
          "application/rss+xml": [{ url: "/feed.xml", title: "Marginalia (RSS)" }],
          "application/atom+xml": [
            { url: "/atom.xml", title: "Marginalia (Atom)" },
            { url: "/articles/monolith-vs-microservices/comments.xml", title: `Comments on “${seed.title}” (Atom)` },
          ],
        },
      },
      openGraph: {
        type: "article",
        url: URL,
        title: seed.title,
        description: seed.description,
        siteName: "Marginalia",
        locale: "en_GB",
        publishedTime: "2026-11-20T00:00:00Z",
        modifiedTime: "2026-11-20T00:00:00Z",
        authors: ["Ahmad Waqar"],
        tags: ["architecture", "nextjs", "fastapi", "django"],
      },
      twitter: { card: "summary_large_image", title: seed.title, description: seed.description },
    });
  });

  it("describes the article as a schema.org BlogPosting", () => {
    expect(blogPostingJsonLd({ ...seed, updated: "2026-11-24" })).toMatchObject({
      "@context": "https://schema.org",
      "@type": "BlogPosting",
      headline: seed.title,
      datePublished: "2026-11-20T00:00:00Z",
      dateModified: "2026-11-24T00:00:00Z",
      author: { "@type": "Person", name: "Ahmad Waqar", description: seed.authorBio },
      publisher: { "@type": "Organization", name: "Marginalia" },
      mainEntityOfPage: { "@id": URL },
      image: `${URL}/opengraph-image`,
    });
  });

  it("cannot close its script tag from inside the JSON", () => {
    const script = jsonLdScript({ headline: "</script><script>alert(1)</script>" });
    expect(script).not.toContain("<");
    expect(JSON.parse(script).headline).toBe("</script><script>alert(1)</script>");
  });
});

describe("sitemap and robots.txt", () => {
  it("lists the index, every article, the tag pages, with absolute URLs and last-modified days", () => {
    const xml = resolveSitemap(sitemap());
    expect(XMLValidator.validate(xml)).toBe(true);
    const { urlset } = new XMLParser({ ignoreAttributes: false }).parse(xml);
    expect(urlset["@_xmlns"]).toBe("http://www.sitemaps.org/schemas/sitemap/0.9");
    const urls = [urlset.url].flat();
    expect(urls.map((url: { loc: string }) => url.loc)).toEqual([
      "http://localhost:3000/",
      URL,
      "http://localhost:3000/tags",
      "http://localhost:3000/tags/architecture",
      "http://localhost:3000/tags/django",
      "http://localhost:3000/tags/fastapi",
      "http://localhost:3000/tags/nextjs",
    ]);
    for (const url of urls) expect(url.lastmod).toBe("2026-11-20");
  });

  it("lets crawlers in except to search results and previews, and names the sitemap", () => {
    expect(resolveRobots(robots())).toBe(
      "User-Agent: *\nAllow: /\nDisallow: /search\nDisallow: /preview/\n\nSitemap: http://localhost:3000/sitemap.xml\n",
    );
  });
});
