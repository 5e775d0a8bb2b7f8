import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { adjacentArticles, getArticle, listArticles } from "@/lib/articles";
import { articleMetadata, blogPostingJsonLd } from "@/lib/article-seo";
import { ArticleNav } from "@/components/ArticleNav";
import { ArticleView } from "@/components/ArticleView";
import { JsonLd } from "@/components/JsonLd";
import { CommentSection } from "@/components/comments/CommentSection";

type Props = { params: Promise<{ slug: string }> };

// Only the articles in content/ exist; any other slug is a 404.
export const dynamicParams = false;

export function generateStaticParams() {
  return listArticles().map(({ slug }) => ({ slug }));
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const article = await getArticle((await params).slug);
  return article ? articleMetadata(article) : {};
}

// The page is rendered per request for its comments; the article's HTML, contents and metadata
// come from lib/articles.ts, which renders each file once per process.
export default async function ArticlePage({ params }: Props) {
  const article = await getArticle((await params).slug);
  if (!article) notFound();
  return (
    <>
      <JsonLd data={blogPostingJsonLd(article)} />
      <ArticleView article={article} />
      <ArticleNav {...adjacentArticles(article.slug)} />
      <CommentSection slug={article.slug} />
    </>
  );
}
