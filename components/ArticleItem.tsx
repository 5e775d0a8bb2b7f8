import Link from "next/link";
import type { ReactNode } from "react";
import { type ArticleSummary } from "@/lib/content/articles";
import { siteLanguage } from "@/lib/i18n";
import { CardCover } from "./CardCover";
import { StatusBadge } from "./StatusBadge";
import { TagList } from "./TagList";
import { articlePath, articleUrl, authorPath } from "@/lib/routes";

/**
 * One article in a list (the index, tag, author and 404 pages, search results): cover, title,
 * byline, then `children` (its description, or a search excerpt), then its tags. The comment
 * count shows where it is known (the index, when the database answers).
 */
export function ArticleItem({
  article,
  heading: Heading = "h2",
  cover = false,
  priority = false,
  commentCount,
  children,
}: {
  article: ArticleSummary;
  heading?: "h2" | "h3";
  cover?: boolean;
  priority?: boolean;
  commentCount?: number;
  children: ReactNode;
}) {
  const { t, format } = siteLanguage();
  return (
    <li>
      <article>
        {cover && <CardCover article={article} priority={priority} />}
        <div className="card-text">
          <Heading>
            <Link href={articlePath(article.slug)}>{article.title}</Link> <StatusBadge article={article} />
          </Heading>
          {/* Each item keeps its words together: "6 comments" never breaks across lines on a phone. */}
          <p className="meta">
            <Link className="meta-item author-link" href={authorPath(article.author)}>
              {article.author}
            </Link>{" "}
            ·{" "}
            <time className="meta-item" dateTime={article.date}>
              {format.day(article.date)}
            </time>{" "}
            · <span className="meta-item">{t("article.readingTime", { minutes: article.readingMinutes })}</span>
            {commentCount !== undefined && (
              <>
                {" · "}
                <Link className="meta-item" href={articleUrl(article.slug, undefined, "comments")}>
                  {t("article.comments", { count: commentCount })}
                </Link>
              </>
            )}
          </p>
          {children}
          <TagList tags={article.tags} label={t("tags.label")} />
        </div>
      </article>
    </li>
  );
}
