import type { Metadata } from "next";
import { t } from "@/lib/i18n";
import { notFound } from "next/navigation";
import { ArticleList } from "@/components/ArticleList";
import { AuthorPhoto } from "@/components/AuthorPhoto";
import { listArticles } from "@/lib/content/articles";
import { alternatesFor } from "@/lib/content/seo";
import { findAuthor } from "@/lib/content/authors";
import { authorPath } from "@/lib/routes";

type Props = { params: Promise<{ slug: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const author = findAuthor((await params).slug, listArticles());
  if (!author) return {};
  return { title: author.name, description: author.bio, alternates: alternatesFor(authorPath(author.name)) };
}

/** An author's bio and their articles, newest first; only authors of published articles have one. */
export default async function AuthorPage({ params }: Props) {
  const author = findAuthor((await params).slug, listArticles());
  if (!author) notFound();
  return (
    <div className="author-page wide">
      <header className="author-header">
        <AuthorPhoto name={author.name} photo={author.photo} size={96} eager />
        <div>
          <h1>{author.name}</h1>
          <p className="author-bio">{author.bio}</p>
          {author.link && (
            <p className="author-link">
              <a href={author.link} rel="me">
                {new URL(author.link).host}
              </a>
            </p>
          )}
        </div>
      </header>
      <h2 className="section-heading">{t("authors.articles", { author: author.name })}</h2>
      <ArticleList articles={author.articles} />
    </div>
  );
}
