import type { Comment } from "@/lib/comments";

const timeFormat = new Intl.DateTimeFormat("en-GB", {
  dateStyle: "medium",
  timeStyle: "short",
  timeZone: "UTC",
});

export function CommentList({ comments }: { comments: Comment[] }) {
  return (
    <ol className="comment-list">
      {comments.map((comment) => (
        <li key={comment.id} id={`comment-${comment.id}`} className="comment">
          <p className="comment-meta">
            <span className="comment-author">{comment.authorName}</span>{" "}
            <time dateTime={comment.createdAt.toISOString()}>{timeFormat.format(comment.createdAt)} UTC</time>
          </p>
          {/* Plain text: React escapes it, and CSS keeps the reader's line breaks. */}
          <p className="comment-body">{comment.body}</p>
        </li>
      ))}
    </ol>
  );
}
