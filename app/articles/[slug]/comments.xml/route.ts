import { t } from "@/lib/i18n";
import { getArticle } from "@/lib/content/articles";
import { listRecentComments } from "@/lib/comments/store";
import { renderCommentAtom } from "@/lib/content/feeds";

type Params = { params: Promise<{ slug: string }> };

/** An Atom feed of the article's newest 50 published comments, read from the database per request. */
export async function GET(_request: Request, { params }: Params) {
  const article = await getArticle((await params).slug);
  if (!article) return new Response("No such article.", { status: 404 });
  try {
    return new Response(renderCommentAtom(article, await listRecentComments(article.slug)), {
      headers: { "content-type": "application/atom+xml; charset=utf-8", "cache-control": "public, max-age=60" },
    });
  } catch (error) {
    console.error(`feeds: cannot list comments for "${article.slug}"`, error);
    return new Response(t("refused.feedUnavailable"), { status: 503, headers: { "retry-after": "60" } });
  }
}
