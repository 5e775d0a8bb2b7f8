import { listArticlesForFeed } from "@/lib/content/articles";
import { FEED_SIZE, renderRss } from "@/lib/feeds";

// Written once at build time, like the pages it announces.
export const dynamic = "force-static";

export function GET() {
  return new Response(renderRss(listArticlesForFeed({ limit: FEED_SIZE })), {
    headers: { "Content-Type": "application/rss+xml; charset=utf-8" },
  });
}
