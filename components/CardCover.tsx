import Link from "next/link";
import type { ArticleSummary } from "@/lib/content/articles";
import { articleCover, coverBlur } from "@/lib/content/cover";
import { articlePath } from "@/lib/routes";
import { Img } from "./Img";

/** The article's cover (`image:` in the front matter), blurred in place while it loads; null without one. */
async function CoverImage({ article, sizes, priority }: { article: ArticleSummary; sizes: string; priority: boolean }) {
  if (!article.image) return null;
  const cover = articleCover({ slug: article.slug, image: article.image });
  if (typeof cover === "string") return null;
  const blur = await coverBlur(cover);
  return (
    <Img
      src={cover.src}
      alt=""
      width={cover.width}
      height={cover.height}
      sizes={sizes}
      placeholder={blur ? "blur" : "empty"}
      blurDataURL={blur}
      priority={priority}
      unoptimized={cover.src.endsWith(".svg")}
    />
  );
}

/** An index card's cover: a link to the article, hidden from the reader's tab order (the title is the link). */
export function CardCover({ article, priority = false }: { article: ArticleSummary; priority?: boolean }) {
  if (!article.image) return null;
  return (
    <Link href={articlePath(article.slug)} className="card-cover" tabIndex={-1} aria-hidden="true">
      <CoverImage
        article={article}
        priority={priority}
        sizes="(max-width: 44rem) 100vw, (max-width: 64rem) 50vw, 400px"
      />
    </Link>
  );
}

/** The cover at the head of the article itself, across the column: the first thing on screen, so not lazy. */
export function ArticleCover({ article }: { article: ArticleSummary }) {
  if (!article.image) return null;
  return (
    <div className="article-cover">
      <CoverImage article={article} priority sizes="(max-width: 44rem) 100vw, 672px" />
    </div>
  );
}
