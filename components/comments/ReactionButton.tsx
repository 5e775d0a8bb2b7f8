import { reactionLabel } from "@/lib/comments/html";
import { reactionsPath } from "@/lib/routes";
import { ThumbIcon } from "./icons";

/**
 * 👍 on a comment: a plain form to app/articles/[slug]/reactions, so a page of many comments ships
 * no script for it; SoftNavigation sends it in place when JavaScript runs.
 */
export function ReactionButton({
  id,
  slug,
  count,
  reacted,
}: {
  id: string;
  slug: string;
  count: number;
  reacted: boolean;
}) {
  return (
    <form method="post" action={reactionsPath(slug)} className="inline-form" data-soft>
      <input type="hidden" name="id" value={id} />
      <button type="submit" className="reaction" aria-pressed={reacted} aria-label={reactionLabel(count, reacted)}>
        <ThumbIcon /> {count}
      </button>
    </form>
  );
}
