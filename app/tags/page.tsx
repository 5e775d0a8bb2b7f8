import type { Metadata } from "next";
import Link from "next/link";
import { listArticles } from "@/lib/content/articles";
import { alternatesFor } from "@/lib/content/seo";
import { listTags } from "@/lib/content/tags";
import { tagPath } from "@/lib/routes";

export const metadata: Metadata = {
  title: "Tags",
  description: "Every topic written about here, and how many articles each has.",
  alternates: alternatesFor("/tags"),
};

export default function TagsPage() {
  const tags = listTags(listArticles());
  return (
    <>
      <h1>Tags</h1>
      {tags.length === 0 ? (
        <p>No article has a tag yet.</p>
      ) : (
        <ul className="tag-index">
          {tags.map((tag) => (
            <li key={tag.slug}>
              <Link href={tagPath(tag.name)}>#{tag.name}</Link>{" "}
              <span className="meta">
                {tag.count} {tag.count === 1 ? "article" : "articles"}
              </span>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
