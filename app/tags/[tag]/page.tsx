import type { Metadata } from "next";
import { t } from "@/lib/i18n";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ArticleList } from "@/components/ArticleList";
import { listArticles } from "@/lib/content/articles";
import { alternatesFor } from "@/lib/content/seo";
import { articlesTagged, listTags } from "@/lib/content/tags";
import { tagPath } from "@/lib/routes";

type Props = { params: Promise<{ tag: string }> };

// Only tags in use have a page (findTag); a tag that a new or scheduled article brings is looked
// up without a rebuild.

export function generateStaticParams() {
  return listTags(listArticles()).map((tag) => ({ tag: tag.slug }));
}

function findTag(slug: string) {
  const articles = listArticles();
  const tag = listTags(articles).find((candidate) => candidate.slug === slug);
  return tag ? { tag, articles: articlesTagged(articles, slug) } : null;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const found = findTag((await params).tag);
  if (!found) return {};
  return {
    title: `#${found.tag.name}`,
    description: t("tags.pageDescription", { tag: found.tag.name }),
    alternates: alternatesFor(tagPath(found.tag.name)),
  };
}

export default async function TagPage({ params }: Props) {
  const found = findTag((await params).tag);
  if (!found) notFound();
  return (
    <div className="wide">
      <p className="meta">
        <Link href="/tags">{t("tags.all")}</Link>
      </p>
      <h1>{t("tags.heading", { tag: found.tag.name })}</h1>
      <ArticleList articles={found.articles} />
    </div>
  );
}
