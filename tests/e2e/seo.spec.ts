import { expect, QUICK, test } from "./support/test";

// The e2e servers run with SITE_URL=https://marginalia.example.
const SITE = "https://marginalia.example";
const ARTICLE = "/articles/monolith-vs-microservices";
const TITLE = "Monolith vs Microservices: What I Actually Prefer in My Tech Stack";

test(`the article's HTML carries its title, description, canonical URL, social tags and JSON-LD${QUICK}`, async ({
  page,
}) => {
  await page.goto(ARTICLE);
  const meta = (selector: string) => page.locator(`head ${selector}`).first();
  await expect(page).toHaveTitle(`${TITLE} · Marginalia`);
  await expect(meta('meta[name="description"]')).toHaveAttribute("content", /^Monolith or microservices\?/);
  await expect(meta('link[rel="canonical"]')).toHaveAttribute("href", `${SITE}${ARTICLE}`);
  await expect(meta('meta[property="og:type"]')).toHaveAttribute("content", "article");
  await expect(meta('meta[property="og:title"]')).toHaveAttribute("content", TITLE);
  await expect(meta('meta[property="og:url"]')).toHaveAttribute("content", `${SITE}${ARTICLE}`);
  await expect(meta('meta[property="article:published_time"]')).toHaveAttribute("content", "2026-11-20T00:00:00Z");
  await expect(meta('meta[name="twitter:card"]')).toHaveAttribute("content", "summary_large_image");
  await expect(meta('link[rel="alternate"][type="application/rss+xml"]')).toHaveAttribute("href", `${SITE}/feed.xml`);

  const image = await meta('meta[property="og:image"]').getAttribute("content");
  expect(image).toMatch(new RegExp(`^${SITE}${ARTICLE}/opengraph-image`));
  const png = await page.request.get(new URL(image!).pathname + new URL(image!).search);
  expect(png.status()).toBe(200);
  expect(png.headers()["content-type"]).toBe("image/png");

  const jsonLd = JSON.parse((await page.locator('script[type="application/ld+json"]').textContent()) ?? "");
  expect(jsonLd).toMatchObject({
    "@context": "https://schema.org",
    "@type": "BlogPosting",
    headline: TITLE,
    datePublished: "2026-11-20T00:00:00Z",
    author: { "@type": "Person", name: "Ahmad Waqar" },
    url: `${SITE}${ARTICLE}`,
  });
});

test("feeds, sitemap and robots.txt are served with their types and absolute URLs", async ({ request }) => {
  const rss = await request.get("/feed.xml");
  expect(rss.headers()["content-type"]).toContain("application/rss+xml");
  expect(await rss.text()).toContain(`<link>${SITE}${ARTICLE}</link>`);
  const atom = await request.get("/atom.xml");
  expect(atom.headers()["content-type"]).toContain("application/atom+xml");
  const sitemap = await (await request.get("/sitemap.xml")).text();
  expect(sitemap).toContain(`<loc>${SITE}/page/2</loc>`);
  expect(sitemap).toContain(`<loc>${SITE}/articles/field-note-12</loc>`);
  expect(sitemap).not.toContain("draft-note");
  expect(sitemap).not.toContain("scheduled-note");
  expect(await (await request.get("/robots.txt")).text()).toContain(`Sitemap: ${SITE}/sitemap.xml`);
});
