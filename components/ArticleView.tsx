import type { Article } from "@/lib/content/articles";
import { siteLanguage } from "@/lib/i18n";
import { rich } from "@/lib/i18n/rich";
import { textDirection } from "@/lib/i18n/languages";
import Link from "next/link";
import { headers } from "next/headers";
import { answersWithDocument, slotProps } from "@/lib/server/html-slots";
import { articleFontStylesheet } from "@/lib/server/fonts";
import { hasMath, KATEX_STYLESHEET } from "@/lib/server/katex";
import { AuthorPhoto } from "./AuthorPhoto";
import { ArticleCover } from "./CardCover";
import { HtmlSlot } from "./HtmlSlot";
import { StatusBadge } from "./StatusBadge";
import { CodeCopy } from "./CodeCopy";
import { TableOfContents } from "./TableOfContents";
import { TagList } from "./TagList";
import { articleUrl, authorPath } from "@/lib/routes";

/**
 * An article: its header (title, the description as a subtitle, byline with the comment count,
 * tags, cover), the contents beside the text on a wide screen, the text, and who wrote it.
 * `commentCount` is null when the database cannot say.
 */
export async function ArticleView({ article, commentCount }: { article: Article; commentCount: number | null }) {
  const document = answersWithDocument(await headers());
  const { t, format, tag } = siteLanguage();
  // An article in another language than the site's (front matter `lang:`): its words carry its
  // language, the chrome around them the site's.
  const own = article.lang && article.lang !== tag ? { lang: article.lang, dir: textDirection(article.lang) } : null;
  const chrome = own ? { lang: tag, dir: textDirection(tag) } : {};
  const fonts = own ? articleFontStylesheet(own.lang) : null;
  return (
    <article className="article" {...own}>
      {/* KaTeX's stylesheet only where there is math (React puts the link in the head). */}
      {hasMath(article.html) && <link rel="stylesheet" href={KATEX_STYLESHEET} precedence="katex" />}
      {/* Its script's fonts where the site's lack them (a Hebrew article on an English site). */}
      {fonts && <link rel="stylesheet" href={fonts} precedence="fonts" />}
      <header className="article-header">
        <TagList tags={article.tags} label={t("tags.label")} />
        <h1>{article.title}</h1>
        <p className="subtitle">{article.description}</p>
        {/* Each item keeps its words together: "2 min read" never breaks across lines. */}
        <p className="meta article-meta" {...chrome}>
          <StatusBadge article={article} />
          <AuthorPhoto name={article.author} photo={article.authorPhoto} size={28} eager />
          <span className="meta-item">
            {rich(t, "article.by", {
              author: (
                <Link className="author-name" href={authorPath(article.author)}>
                  {article.author}
                </Link>
              ),
            })}
          </span>{" "}
          ·{" "}
          <time className="meta-item" dateTime={article.date}>
            {format.day(article.date)}
          </time>{" "}
          · <span className="meta-item">{t("article.readingTime", { minutes: article.readingMinutes })}</span>
          {commentCount !== null && (
            <>
              {" · "}
              <a className="meta-item" href={articleUrl(article.slug, undefined, "comments")}>
                {t("article.comments", { count: commentCount })}
              </a>
            </>
          )}
        </p>
        {article.updated && article.updated !== article.date && (
          <p className="meta updated" {...chrome}>
            {rich(t, "article.updated", {
              date: <time dateTime={article.updated}>{format.day(article.updated)}</time>,
            })}
          </p>
        )}
        <ArticleCover article={article} />
      </header>
      <div className="article-body">
        <TableOfContents entries={article.toc} heading={t("article.contents")} />
        {/* Rendered from the author's own markdown by lib/content/markdown.ts, which sanitizes it. */}
        <HtmlSlot as="div" className="prose" {...slotProps(article.html, document)} />
      </div>
      {article.html.includes('class="code-block"') && (
        <CodeCopy copy={t("code.copy")} label={t("code.copyLabel")} copied={t("code.copied")} />
      )}
      <footer className="byline" aria-label={t("article.aboutAuthor")} {...chrome}>
        <AuthorPhoto name={article.author} photo={article.authorPhoto} size={64} />
        <div>
          <p className="author-name">
            <Link href={authorPath(article.author)}>{article.author}</Link>
          </p>
          <p className="author-bio">{article.authorBio}</p>
          {article.authorLink && (
            <p className="author-link">
              <a href={article.authorLink} rel="me">
                {new URL(article.authorLink).host}
              </a>
            </p>
          )}
        </div>
      </footer>
    </article>
  );
}
