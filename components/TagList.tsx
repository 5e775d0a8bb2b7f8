import Link from "next/link";
import { tagPath } from "@/lib/routes";

export function TagList({ tags, label }: { tags: string[]; label: string }) {
  if (tags.length === 0) return null;
  return (
    <ul className="tag-list" aria-label={label}>
      {tags.map((tag) => (
        <li key={tag}>
          <Link href={tagPath(tag)}>#{tag}</Link>
        </li>
      ))}
    </ul>
  );
}
