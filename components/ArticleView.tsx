import type { Article } from "@/lib/articles";
import { formatDay } from "@/lib/site";

export function ArticleView({ article }: { article: Article }) {
  return (
    <article className="article">
      <header>
        <h1>{article.title}</h1>
        <p className="meta">
          By <span className="author-name">{article.author}</span> ·{" "}
          <time dateTime={article.date}>{formatDay(article.date)}</time>
        </p>
      </header>
      {/* Rendered from the author's own markdown by lib/markdown.ts, which sanitizes it. */}
      <div className="prose" dangerouslySetInnerHTML={{ __html: article.html }} />
      <footer className="byline" aria-label="About the author">
        <p className="author-name">{article.author}</p>
        <p className="author-bio">{article.authorBio}</p>
      </footer>
    </article>
  );
}
