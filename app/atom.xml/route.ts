import { listArticles, listArticlesForFeed, loadArticlePipeline } from "@/lib/content/articles";
import { contentVersion } from "@/lib/content/content-store";
import { FEED_SIZE, renderAtom } from "@/lib/content/feeds";

// Written from the articles as the server has them now (content/ is read at run time:
// lib/content/live-content.ts), so a new, changed or scheduled article is in it at once; the text
// is kept until the articles change or another comes due, for the readers that poll.
export const dynamic = "force-dynamic";

let kept: { key: string; body: string } | undefined;

export async function GET() {
  // Listing first brings the articles up to date (`npm run dev` reads the folder here).
  const key = `${listArticles()
    .map((article) => article.slug)
    .join(" ")} ${contentVersion()}`;
  // A feed's articles are rendered with absolute links, not kept on disk: the pipeline loads with the first.
  if (kept?.key !== key) await loadArticlePipeline();
  if (kept?.key !== key) kept = { key, body: renderAtom(listArticlesForFeed({ limit: FEED_SIZE })) };
  return new Response(kept.body, {
    headers: { "Content-Type": "application/atom+xml; charset=utf-8" },
  });
}
