import type { ArticleSummary } from "./articles";
import { slugify } from "../slug";

export type Author = { name: string; slug: string; bio: string; articles: ArticleSummary[] };

/** Everyone who wrote a published article, with the bio of their newest one. */
export function listAuthors(articles: ArticleSummary[]): Author[] {
  const authors = new Map<string, Author>();
  // Articles come newest first, so the first one seen gives the current bio.
  for (const article of articles) {
    const slug = slugify(article.author);
    const author = authors.get(slug) ?? { name: article.author, slug, bio: article.authorBio, articles: [] };
    author.articles.push(article);
    authors.set(slug, author);
  }
  return [...authors.values()];
}

export function findAuthor(slug: string, articles: ArticleSummary[]): Author | null {
  return listAuthors(articles).find((author) => author.slug === slug) ?? null;
}
