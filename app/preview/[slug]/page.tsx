import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ArticleView } from "@/components/ArticleView";
import { getArticle } from "@/lib/content/articles";
import { isPreviewToken } from "@/lib/server/preview";

type Props = {
  params: Promise<{ slug: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

// The token is in the URL: keep it out of Referer headers and search engines.
export const metadata: Metadata = {
  title: "Preview",
  robots: { index: false, follow: false },
  referrer: "no-referrer",
};

/**
 * /preview/<slug>?token=PREVIEW_TOKEN shows any article, draft or scheduled, as it will look;
 * a wrong or missing token is indistinguishable from an unknown page.
 */
export default async function PreviewPage({ params, searchParams }: Props) {
  if (!isPreviewToken((await searchParams).token)) notFound();
  const article = await getArticle((await params).slug, { includeDrafts: true });
  if (!article) notFound();
  return (
    <>
      <p className="preview-banner" role="note">
        Preview{article.draft ? " of a draft" : ""}: readers cannot see this page.
      </p>
      <ArticleView article={article} commentCount={null} />
    </>
  );
}
