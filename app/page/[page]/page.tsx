import type { Metadata } from "next";
import { t } from "@/lib/i18n";
import { notFound } from "next/navigation";
import { z } from "zod";
import { ArticleIndex } from "@/components/ArticleIndex";
import { listArticles } from "@/lib/content/articles";
import { commentCountsForIndex } from "@/lib/comments/store";
import { paginate } from "@/lib/content/pagination";
import { alternatesFor } from "@/lib/content/seo";
import { site } from "@/lib/site";
import { pagePath } from "@/lib/routes";

type Props = { params: Promise<{ page: string }> };

// Page 1 is the index at /; /page/2 onwards are built, any page past the end is a 404 (indexPage),
// and a page that a new or scheduled article adds later is looked up without a rebuild.

const pageNumber = z
  .string()
  .regex(/^[1-9]\d*$/)
  .transform(Number);

function indexPage(param: string) {
  const parsed = pageNumber.safeParse(param);
  if (!parsed.success || parsed.data < 2) return null;
  return paginate(listArticles(), parsed.data, site.articlesPerPage);
}

export function generateStaticParams() {
  const pageCount = Math.ceil(listArticles().length / site.articlesPerPage);
  return Array.from({ length: Math.max(0, pageCount - 1) }, (_, index) => ({ page: String(index + 2) }));
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const page = indexPage((await params).page);
  if (!page) return {};
  return { title: t("index.pageTitle", { page: page.page }), alternates: alternatesFor(pagePath(page.page)) };
}

export default async function IndexPage({ params }: Props) {
  const page = indexPage((await params).page);
  if (!page) notFound();
  return <ArticleIndex page={page} commentCounts={await commentCountsForIndex()} />;
}
