import { LRUCache } from "lru-cache";
import { notFound } from "next/navigation";
import { ImageResponse } from "next/og";
import { listArticles, type ArticleSummary } from "@/lib/content/articles";
import { site } from "@/lib/site";
import { siteLanguage, t } from "@/lib/i18n";
import { cardFonts } from "@/lib/server/card-fonts";

type Props = { params: Promise<{ slug: string }> };

// Read as the server starts, in SITE_LANGUAGE (Next.js takes the alt text as a constant).
export const alt = t("card.alt", { site: site.name });
export const size = { width: 1200, height: 630 };
export const contentType = "image/png";

// Drawn on the first request for each version of what it shows (content/ is read at run time, so
// a title changed while the site runs gets a new card), then kept in memory: a drawing costs tens
// of milliseconds. Set in next/og's bundled font, with the site's script font where the language
// needs one (lib/server/card-fonts.ts): nothing is fetched. Unknown slugs are a 404 below.
export const dynamic = "force-dynamic";

const cards = new LRUCache<string, Uint8Array<ArrayBuffer>>({ max: 200 });

export default async function ArticleImage({ params }: Props) {
  const { slug } = await params;
  const article = listArticles().find((candidate) => candidate.slug === slug);
  if (!article) notFound();
  const key = JSON.stringify([article.slug, article.title, article.author, article.date, article.readingMinutes]);
  let png = cards.get(key);
  if (!png) cards.set(key, (png = new Uint8Array(await (await draw(article)).arrayBuffer())));
  return new Response(png, {
    headers: { "Content-Type": contentType, "Cache-Control": "public, max-age=0, must-revalidate" },
  });
}

async function draw(article: ArticleSummary): Promise<ImageResponse> {
  const meta = t("card.meta", {
    author: article.author,
    date: siteLanguage().format.day(article.date),
    minutes: article.readingMinutes,
  });
  return new ImageResponse(
    <div
      style={{
        width: "100%",
        height: "100%",
        display: "flex",
        flexDirection: "column",
        justifyContent: "space-between",
        padding: "72px 80px",
        background: "#fdfcf9",
        color: "#1d1c1a",
        borderTop: "16px solid #8a3b12",
      }}
    >
      <div style={{ display: "flex", fontSize: 34, color: "#8a3b12", letterSpacing: 1 }}>{site.name}</div>
      <div
        style={{ display: "flex", fontSize: article.title.length > 70 ? 56 : 68, lineHeight: 1.15, fontWeight: 700 }}
      >
        {article.title}
      </div>
      <div style={{ display: "flex", fontSize: 30, color: "#5d5a54" }}>{meta}</div>
    </div>,
    { ...size, fonts: await cardFonts(`${site.name}${article.title}${meta}`) },
  );
}
