import { LRUCache } from "lru-cache";
import { notFound } from "next/navigation";
import { ImageResponse } from "next/og";
import { listArticles, type ArticleSummary } from "@/lib/content/articles";
import { site } from "@/lib/site";
import { siteLanguage, t } from "@/lib/i18n";
import { textDirection } from "@/lib/i18n/languages";
import { cardFonts, drawableText } from "@/lib/server/card-fonts";
import { CARD, cardText, needsShaping, shapedCard } from "@/lib/server/card-shaped";

type Props = { params: Promise<{ slug: string }> };

// Read as the server starts, in SITE_LANGUAGE (Next.js takes the alt text as a constant).
export const alt = t("card.alt", { site: site.name });
export const size = { width: CARD.width, height: CARD.height };
export const contentType = "image/png";

// Drawn on the first request for each version of what it shows (content/ is read at run time, so
// a title changed while the site runs gets a new card), then kept in memory: a drawing costs tens
// of milliseconds. Set in next/og's bundled font, with the site's script font where the language
// needs one (lib/server/card-fonts.ts), and given only the characters those fonts have
// (drawableText): next/og would fetch a font or an emoji for any other. Nothing is fetched. A card
// in a script next/og cannot lay out (Arabic, Urdu, Hebrew) is drawn by Pango instead
// (lib/server/card-shaped.ts), from the same CARD. Unknown slugs are a 404 below.
export const dynamic = "force-dynamic";

// Kept as the drawing under way too, so requests that come while it draws wait for the same one.
const cards = new LRUCache<string, Promise<Uint8Array<ArrayBuffer>>>({ max: 200 });

export default async function ArticleImage({ params }: Props) {
  const { slug } = await params;
  const article = listArticles().find((candidate) => candidate.slug === slug);
  if (!article) notFound();
  const key = JSON.stringify([
    article.slug,
    article.title,
    article.author,
    article.date,
    article.readingMinutes,
    article.lang,
  ]);
  let drawing = cards.get(key);
  if (!drawing) {
    cards.set(key, (drawing = draw(article)));
    drawing.catch(() => cards.delete(key));
  }
  return new Response(await drawing, {
    headers: { "Content-Type": contentType, "Cache-Control": "public, max-age=0, must-revalidate" },
  });
}

async function draw(article: ArticleSummary): Promise<Uint8Array<ArrayBuffer>> {
  const author = cardText(article.author);
  // The author's name isolated (as <bdi> on the page) where Pango draws it: "Test Author · 10
  // يناير" would otherwise read the day as part of a Latin name.
  const meta = (who: string) =>
    t("card.meta", { author: who, date: siteLanguage().format.day(article.date), minutes: article.readingMinutes });
  const name = cardText(site.name);
  const title = cardText(article.title);
  // The title in its own direction where the article names its language, as on its page.
  const direction = article.lang ? textDirection(article.lang) : siteLanguage().dir;
  if (needsShaping(name + title + meta(author)))
    return new Uint8Array(await shapedCard({ name, title, meta: meta(`\u2068${author}\u2069`) }, direction));
  const fonts = await cardFonts(`${name}${title}${meta(author)}`, article.lang);
  // Only what the fonts draw: next/og would fetch a font or an emoji for any other character.
  const drawn = { name: drawableText(name, fonts), title: drawableText(title, fonts) };
  const drawnMeta = drawableText(meta(drawableText(author, fonts)), fonts);
  const { padding, colors, sizes, border } = CARD;
  const image = new ImageResponse(
    <div
      style={{
        width: "100%",
        height: "100%",
        display: "flex",
        flexDirection: "column",
        justifyContent: "space-between",
        padding: `${padding.y}px ${padding.x}px`,
        background: colors.background,
        color: colors.text,
        borderTop: `${border}px solid ${colors.accent}`,
      }}
    >
      <div style={{ display: "flex", fontSize: sizes.name, color: colors.accent, letterSpacing: 1 }}>{drawn.name}</div>
      <div
        style={{
          display: "flex",
          fontSize: drawn.title.length > CARD.longTitle ? sizes.longTitle : sizes.title,
          lineHeight: 1.15,
          fontWeight: 700,
        }}
      >
        {drawn.title}
      </div>
      <div style={{ display: "flex", fontSize: sizes.meta, color: colors.muted }}>{drawnMeta}</div>
    </div>,
    { ...size, fonts },
  );
  return new Uint8Array(await image.arrayBuffer());
}
