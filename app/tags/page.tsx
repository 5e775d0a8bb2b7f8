import type { Metadata } from "next";
import Link from "next/link";
import { listArticles } from "@/lib/content/articles";
import { alternatesFor } from "@/lib/content/seo";
import { listTags } from "@/lib/content/tags";
import { tagPath } from "@/lib/routes";
import { t } from "@/lib/i18n";

export const generateMetadata = (): Metadata => ({
  title: t("site.tags"),
  description: t("tags.description"),
  alternates: alternatesFor("/tags"),
});

export default function TagsPage() {
  const tags = listTags(listArticles());
  return (
    <>
      <h1>{t("site.tags")}</h1>
      {tags.length === 0 ? (
        <p>{t("tags.none")}</p>
      ) : (
        <ul className="tag-index">
          {tags.map((tag) => (
            <li key={tag.slug}>
              <Link href={tagPath(tag.name)}>#{tag.name}</Link>{" "}
              <span className="meta">{t("tags.count", { count: tag.count })}</span>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
