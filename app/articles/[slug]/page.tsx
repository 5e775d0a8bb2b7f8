import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { getArticle, listArticles } from "@/lib/articles";
import { ArticleView } from "@/components/ArticleView";
import { CommentSection } from "@/components/comments/CommentSection";

type Props = { params: Promise<{ slug: string }> };

// Only the articles in content/ exist; any other slug is a 404.
export const dynamicParams = false;

export function generateStaticParams() {
  return listArticles().map(({ slug }) => ({ slug }));
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const article = await getArticle((await params).slug);
  return article ? { title: article.title, description: article.description } : {};
}

export default async function ArticlePage({ params }: Props) {
  const article = await getArticle((await params).slug);
  if (!article) notFound();
  return (
    <>
      <ArticleView article={article} />
      <CommentSection slug={article.slug} />
    </>
  );
}
