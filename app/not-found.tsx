import Link from "next/link";
import { ArticleList } from "@/components/ArticleList";
import { listArticles } from "@/lib/content/articles";
import { SEARCH_PATH } from "@/lib/routes";

export default function NotFound() {
  const latest = listArticles().slice(0, 5);
  return (
    <>
      <h1>Page not found</h1>
      <p>
        There is nothing at this address. Try <Link href={SEARCH_PATH}>searching</Link>, browse the{" "}
        <Link href="/tags">tags</Link>, or start with one of the latest articles:
      </p>
      {latest.length > 0 && <ArticleList articles={latest} />}
    </>
  );
}
