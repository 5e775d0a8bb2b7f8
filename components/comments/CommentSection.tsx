import { connection } from "next/server";
import { listCommentsForArticle, type Comment } from "@/lib/comments";
import { CommentForm } from "./CommentForm";
import { CommentList } from "./CommentList";

/** The dynamic part of an article page: rendered per request, streamed into the static shell. */
export async function CommentSection({ slug }: { slug: string }) {
  await connection();
  let comments: Comment[];
  try {
    comments = await listCommentsForArticle(slug);
  } catch (error) {
    console.error(`comments: cannot list comments for "${slug}"`, error);
    return (
      <section className="comments" aria-labelledby="comments-heading">
        <h2 id="comments-heading">Comments</h2>
        <p role="status" className="notice">
          Comments are unavailable right now. The article is all here; please come back later to
          read or join the discussion.
        </p>
      </section>
    );
  }
  return (
    <section className="comments" aria-labelledby="comments-heading">
      <h2 id="comments-heading">Comments ({comments.length})</h2>
      {comments.length === 0 ? (
        <p className="empty">No comments yet. Be the first to share your thoughts!</p>
      ) : (
        <CommentList comments={comments} />
      )}
      <CommentForm slug={slug} />
    </section>
  );
}

export function CommentSectionFallback() {
  return (
    <section className="comments comments-loading" aria-busy="true">
      <h2>Comments</h2>
      <p>Loading comments…</p>
    </section>
  );
}
