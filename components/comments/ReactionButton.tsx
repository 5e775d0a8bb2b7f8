import { reactToComment } from "@/app/articles/[slug]/actions";

/** 👍 on a comment: a server-rendered form, so a page of many comments ships no script for it. */
export function ReactionButton({ id, slug, count, reacted }: { id: string; slug: string; count: number; reacted: boolean }) {
  return (
    <form action={reactToComment} className="inline-form">
      <input type="hidden" name="id" value={id} />
      <input type="hidden" name="slug" value={slug} />
      <button
        type="submit"
        className="reaction"
        aria-pressed={reacted}
        aria-label={`${reacted ? "Remove your thumbs up" : "Thumbs up"} (${count})`}
      >
        <span aria-hidden="true">👍</span> {count}
      </button>
    </form>
  );
}
