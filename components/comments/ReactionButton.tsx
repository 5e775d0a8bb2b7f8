import { commentWords, REACTIONS_FORM, reactionCount } from "@/lib/comments/html";
import { reactionsPath } from "@/lib/routes";

/**
 * 👍 on a comment: a button of the section's one plain form to app/articles/[slug]/reactions
 * (ReactionsForm), so a page of many comments ships no script and no form per comment for it;
 * SoftNavigation sends it in place when JavaScript runs. Its name is the count it shows after a
 * label only screen readers read (the icon is CSS), never an aria-label that hides the count.
 */
export function ReactionButton({ id, count, reacted }: { id: string; count: number; reacted: boolean }) {
  return (
    <button form={REACTIONS_FORM} name="id" value={id} className="reaction" aria-pressed={reacted}>
      <span>{commentWords().t("comment.thumbsUp")}</span>
      {reactionCount(count)}
    </button>
  );
}

/** The form every 👍 button of the section belongs to: empty, the button says which comment. */
export function ReactionsForm({ slug }: { slug: string }) {
  return <form id={REACTIONS_FORM} method="post" action={reactionsPath(slug)} data-soft hidden />;
}
