import Link from "next/link";
import { ArticleList } from "@/components/ArticleList";
import { listArticles } from "@/lib/content/articles";
import { SEARCH_PATH } from "@/lib/routes";
import { t } from "@/lib/i18n";
import { rich } from "@/lib/i18n/rich";

export default function NotFound() {
  const latest = listArticles().slice(0, 5);
  return (
    <>
      <h1>{t("notFound.heading")}</h1>
      <p>
        {rich(t, "notFound.text", {
          search: <Link href={SEARCH_PATH}>{t("notFound.searching")}</Link>,
          tags: <Link href="/tags">{t("notFound.tags")}</Link>,
        })}
      </p>
      {latest.length > 0 && <ArticleList articles={latest} />}
    </>
  );
}
