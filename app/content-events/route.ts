import { CONTENT_DIR } from "@/lib/content/articles";
import { contentEventStream } from "@/lib/content/content-watch";
import { isDevelopment } from "@/lib/settings";

export const dynamic = "force-dynamic";

/** Development only: server-sent events when content/ changes (see components/ContentRefresh). */
export function GET(request: Request) {
  if (!isDevelopment()) return new Response("Not found", { status: 404 });
  const since = new URL(request.url).searchParams.get("since") ?? undefined;
  return new Response(contentEventStream(CONTENT_DIR, request.signal, since), {
    headers: { "Content-Type": "text/event-stream", "Cache-Control": "no-cache, no-transform" },
  });
}
