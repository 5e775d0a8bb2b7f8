import { listArticlesForFeed } from "@/lib/content/articles";
import { FEED_SIZE, renderAtom } from "@/lib/content/feeds";

// Written at build time, like the pages it announces, and again as articles come due (below).
export const dynamic = "force-static";
// Written again at most every 5 minutes, so a scheduled article appears on its day without a rebuild.
export const revalidate = 300;

export function GET() {
  return new Response(renderAtom(listArticlesForFeed({ limit: FEED_SIZE })), {
    headers: { "Content-Type": "application/atom+xml; charset=utf-8" },
  });
}
