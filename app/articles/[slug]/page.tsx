import type { Metadata } from "next";
import { t } from "@/lib/i18n";
import { notFound } from "next/navigation";
import { z } from "zod";
import { adjacentArticles, getArticle, listArticles, type Article } from "@/lib/content/articles";
import { problemsToShow, type ContentProblem } from "@/lib/content/problems";
import { articleMetadata, blogPostingJsonLd } from "@/lib/content/seo";
import { COMMENT_SORTS, THREADS_PER_PAGE, MAX_THREADS_PER_PAGE } from "@/lib/comments/store";
import { relatedArticles } from "@/lib/content/related";
import { seriesOf } from "@/lib/content/series";
import { ArticleNav } from "@/components/ArticleNav";
import { RelatedArticles, SeriesBox } from "@/components/MoreToRead";
import { ArticleView } from "@/components/ArticleView";
import { JsonLd } from "@/components/JsonLd";
import { CommentSection } from "@/components/comments/CommentSection";
import { publishedCommentCount } from "@/components/comments/comment-count";
import { ContentProblems } from "@/components/ContentProblems";
import { settings } from "@/lib/settings";
import { WEBMENTION_PATH } from "@/lib/fediverse/paths";

type Props = {
  params: Promise<{ slug: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

// Only the articles in content/ exist: getArticle answers null for any other slug, a 404. Slugs
// beyond the built list are still looked up: an article added while the site runs (content/ is
// read at run time, lib/content/live-content.ts) or while `npm run dev` runs opens at once, and a
// scheduled article goes live on its day. Listing them here makes `next build` read, and check,
// every file.

export function generateStaticParams() {
  return listArticles().map(({ slug }) => ({ slug }));
}

/** The article, or in `npm run dev` the problems of its file, shown in its place (never in production). */
async function readArticle(slug: string): Promise<Article | { problems: ContentProblem[] } | null> {
  try {
    return await getArticle(slug);
  } catch (error) {
    const problems = problemsToShow(error);
    if (problems) return { problems };
    throw error;
  }
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const article = await readArticle((await params).slug);
  if (article && "problems" in article) return { title: t("article.problems") };
  return article ? articleMetadata(article) : {};
}

// The discussion's view of the page: a malformed value falls back to the default, never an error.
const commentView = z.object({
  sort: z.enum(COMMENT_SORTS).catch("oldest"),
  threads: z.coerce.number().int().min(THREADS_PER_PAGE).max(MAX_THREADS_PER_PAGE).catch(THREADS_PER_PAGE),
  reply: z.string().max(64).optional().catch(undefined),
  edit: z.string().max(64).optional().catch(undefined),
  /** Where a post without JavaScript lands (POST-redirect-GET): the form says it is posted. */
  posted: z.string().max(64).optional().catch(undefined),
  /** The comment whose deletion the signed-in author is asked to confirm. */
  confirm: z.string().max(64).optional().catch(undefined),
  /** The comment whose author the signed-in author is asked to ban; `banned`: they just did. */
  ban: z.string().max(64).optional().catch(undefined),
  banned: z.literal("1").optional().catch(undefined),
});

// The page is rendered per request for its comments; the article's HTML, contents and metadata
// come from lib/content/articles.ts, which renders each version of a file once.
export default async function ArticlePage({ params, searchParams }: Props) {
  const article = await readArticle((await params).slug);
  if (!article) notFound();
  if ("problems" in article) return <ContentProblems problems={article.problems} />;
  const view = commentView.parse(await searchParams);
  const published = listArticles();
  const series = seriesOf(article, published);
  // For the header; the discussion below says itself when the database is down.
  const commentCount = await publishedCommentCount(article.slug).catch(() => null);
  return (
    <>
      <JsonLd data={blogPostingJsonLd(article)} />
      {/* Where other sites send Webmentions (lib/fediverse/webmention-receive.ts); React puts it in <head>. */}
      {settings().FEDIVERSE === "on" && (
        <link rel="webmention" href={new URL(WEBMENTION_PATH, settings().SITE_URL).href} />
      )}
      <ArticleView article={article} commentCount={commentCount} />
      {series && <SeriesBox series={series} slug={article.slug} />}
      <RelatedArticles articles={relatedArticles(article, published)} />
      <ArticleNav {...adjacentArticles(article.slug)} />
      <CommentSection
        slug={article.slug}
        sort={view.sort}
        threads={view.threads}
        replyTo={view.reply}
        editing={view.edit}
        posted={view.posted}
        confirm={view.confirm}
        ban={view.ban}
        banned={view.banned === "1"}
      />
    </>
  );
}
