import type { Metadata } from "next";
import { ArticleIndex } from "@/components/ArticleIndex";
import { listArticles } from "@/lib/content/articles";
import { commentCountsForIndex } from "@/lib/comments/store";
import { paginate } from "@/lib/content/pagination";
import { alternatesFor } from "@/lib/content/seo";
import { site } from "@/lib/site";
import { FollowForm } from "@/components/comments/FollowForm";
import { mailEnabled } from "@/lib/mail/mail";
import { pick } from "@/lib/i18n";
import { FOLLOW_FORM_WORDS } from "@/lib/i18n/client-words";

export const metadata: Metadata = { alternates: alternatesFor("/") };

export default async function HomePage() {
  // Page 1 always exists, empty or not.
  const articles = listArticles();
  const page = paginate(articles, 1, site.articlesPerPage) ?? { items: [], page: 1, pageCount: 1 };
  return (
    <ArticleIndex
      page={page}
      commentCounts={await commentCountsForIndex()}
      byline={articles.find((article) => article.author === site.author.name)}
      follow={mailEnabled() && <FollowForm kind="articles" words={pick(FOLLOW_FORM_WORDS)} />}
    />
  );
}
