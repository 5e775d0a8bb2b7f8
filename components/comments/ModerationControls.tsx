import Link from "next/link";
import { moderateOnPage } from "@/lib/comments/moderation-actions";
import type { CommentView } from "@/lib/comments/store";
import { articleUrl } from "@/lib/routes";

// The signed-in author's buttons under each comment. Delete asks first: its link reloads the page
// with ?confirm=<id>, where the comment shows a real delete button and a way back (no JavaScript).

export function ModerationControls({
  comment,
  slug,
  confirming,
  hidden,
}: {
  comment: CommentView;
  slug: string;
  confirming: boolean;
  hidden: boolean;
}) {
  const anchor = `comment-${comment.id}`;
  if (confirming) {
    return (
      <form action={moderateOnPage} className="moderation-controls moderation-confirm">
        <input type="hidden" name="slug" value={slug} />
        <input type="hidden" name="id" value={comment.id} />
        <span role="alert">Delete this comment for good?</span>{" "}
        <button name="action" value="delete" className="danger">
          Yes, delete
        </button>{" "}
        <Link href={articleUrl(slug, undefined, anchor)}>Cancel</Link>
      </form>
    );
  }
  return (
    <form
      action={moderateOnPage}
      className="moderation-controls"
      aria-label={`Moderate the comment by ${comment.authorName || "a removed author"}`}
    >
      <input type="hidden" name="slug" value={slug} />
      <input type="hidden" name="id" value={comment.id} />
      <button name="action" value={hidden ? "unhide" : "hide"} className="secondary">
        {hidden ? "Unhide" : "Hide"}
      </button>{" "}
      <button name="action" value={comment.pinned ? "unpin" : "pin"} className="secondary">
        {comment.pinned ? "Unpin" : "Pin"}
      </button>{" "}
      <Link href={articleUrl(slug, `confirm=${encodeURIComponent(comment.id)}`, anchor)} className="danger-link">
        Delete…
      </Link>
    </form>
  );
}

export function LockControl({ slug, locked }: { slug: string; locked: boolean }) {
  return (
    <form action={moderateOnPage} className="moderation-controls">
      <input type="hidden" name="slug" value={slug} />
      <button name="action" value={locked ? "unlock" : "lock"} className="secondary">
        {locked ? "Reopen the discussion" : "Lock the discussion"}
      </button>
    </form>
  );
}
