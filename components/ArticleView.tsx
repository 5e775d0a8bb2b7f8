// KaTeX's stylesheet and fonts, served with the app: math is drawn at build time, styled here.
import "katex/dist/katex.min.css";
import type { Article } from "@/lib/content/articles";
import { formatDay } from "@/lib/format";
import Link from "next/link";
import { headers } from "next/headers";
import { answersWithDocument, slotProps } from "@/lib/server/html-slots";
import { HtmlSlot } from "./HtmlSlot";
import { StatusBadge } from "./StatusBadge";
import { CodeCopy } from "./CodeCopy";
import { TableOfContents } from "./TableOfContents";
import { TagList } from "./TagList";
import { authorPath } from "@/lib/routes";

export async function ArticleView({ article }: { article: Article }) {
  const document = answersWithDocument(await headers());
  return (
    <article className="article">
      <header>
        <h1>{article.title}</h1>
        <p className="meta">
          <StatusBadge article={article} /> By{" "}
          <Link className="author-name" href={authorPath(article.author)}>
            {article.author}
          </Link>{" "}
          · <time dateTime={article.date}>{formatDay(article.date)}</time> · {article.readingMinutes} min read
        </p>
        {article.updated && article.updated !== article.date && (
          <p className="meta updated">
            Updated <time dateTime={article.updated}>{formatDay(article.updated)}</time>
          </p>
        )}
        <TagList tags={article.tags} />
      </header>
      <TableOfContents entries={article.toc} />
      {/* Rendered from the author's own markdown by lib/content/markdown.ts, which sanitizes it. */}
      <HtmlSlot as="div" className="prose" {...slotProps(article.html, document)} />
      {article.html.includes('class="code-block"') && <CodeCopy />}
      <footer className="byline" aria-label="About the author">
        <p className="author-name">{article.author}</p>
        <p className="author-bio">{article.authorBio}</p>
      </footer>
    </article>
  );
}
