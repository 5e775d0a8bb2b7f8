import Image from "next/image";
import Link from "next/link";
import path from "node:path";
import { CONTENT_DIR, type ArticleSummary } from "@/lib/content/articles";
import { coverBlur, resolveCover } from "@/lib/content/cover";
import { articlePath } from "@/lib/routes";

/** An index card's cover (`image:` in the front matter), blurred in place while it loads. */
export async function CardCover({ article, priority = false }: { article: ArticleSummary; priority?: boolean }) {
  if (!article.image) return null;
  const cover = resolveCover(article.image, path.join(CONTENT_DIR, `${article.slug}.md`), CONTENT_DIR);
  if (typeof cover === "string") return null;
  const blur = await coverBlur(cover);
  return (
    // The title beside it is the link's name; the picture is decoration on the card.
    <Link href={articlePath(article.slug)} className="card-cover" tabIndex={-1} aria-hidden="true">
      <Image
        src={cover.src}
        alt=""
        width={cover.width}
        height={cover.height}
        sizes="(max-width: 720px) 100vw, 640px"
        placeholder={blur ? "blur" : "empty"}
        blurDataURL={blur}
        priority={priority}
        unoptimized={cover.src.endsWith(".svg")}
      />
    </Link>
  );
}
