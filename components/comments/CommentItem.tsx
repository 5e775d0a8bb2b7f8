import { editableUntil, type CommentView } from "@/lib/comments";
import { commentInnerHtml, commentLink, commentTime, commentTimeTitle, isInteractive, type CommentContext } from "@/lib/comment-html";
import { CommentForm } from "./CommentForm";
import { DeleteCommentButton, EditCommentForm } from "./CommentActions";
import { ReplyIcon } from "./icons";
import { ReactionButton } from "./ReactionButton";

export type { CommentContext };

/**
 * A comment and its replies. Most comments are the same for every reader: those come as one string
 * of HTML (lib/comment-html.ts); a comment with a form open on it, or the reader's own, is rendered
 * here with its forms, and the same markup otherwise.
 */
export function CommentItem({ comment, context }: { comment: CommentView; context: CommentContext }) {
  if (!isInteractive(comment, context)) {
    return (
      <li
        id={`comment-${comment.id}`}
        className="comment"
        data-depth={comment.depth}
        dangerouslySetInnerHTML={{ __html: commentInnerHtml(comment, context) }}
      />
    );
  }
  return <InteractiveComment comment={comment} context={context} />;
}

export function InteractiveComment({ comment, context }: { comment: CommentView; context: CommentContext }) {
  const { slug } = context;
  const anchor = `comment-${comment.id}`;
  const editable =
    comment.own && !comment.placeholder && context.now < editableUntil(comment.createdAt, context.editMinutes).getTime();

  return (
    <li id={anchor} className="comment" data-depth={comment.depth}>
      {comment.placeholder ? (
        <p className="comment-placeholder">{comment.placeholder === "deleted" ? "[deleted]" : "[removed by a moderator]"}</p>
      ) : (
        <>
          <p className="comment-meta">
            <span className="comment-author">{comment.authorName}</span>
            {comment.replyToName && <span className="comment-reply-to"> replying to @{comment.replyToName}</span>}{" "}
            <a href={`#${anchor}`} className="comment-permalink">
              <time dateTime={comment.createdAt.toISOString()} title={commentTimeTitle(comment.createdAt)}>
                {commentTime(comment.createdAt, context.now)}
              </time>
            </a>
            {comment.editedAt && (
              <span className="comment-edited" title={`Edited ${comment.editedAt.toISOString()}`}>
                {" "}
                (edited)
              </span>
            )}
            {comment.pending && <span className="comment-pending"> Awaiting moderation: only you can see it.</span>}
          </p>
          {context.editing === comment.id && editable && comment.markdown !== null ? (
            <EditCommentForm id={comment.id} slug={slug} body={comment.markdown} cancelHref={`/articles/${slug}#${anchor}`} />
          ) : (
            // Sanitized by lib/comment-markdown.ts: an allow-list of tags, attributes and URL schemes.
            <div className="comment-body" dangerouslySetInnerHTML={{ __html: comment.html }} />
          )}
          <div className="comment-actions">
            {!comment.pending && (
              <ReactionButton id={comment.id} slug={slug} count={comment.reactions} reacted={comment.reacted} />
            )}
            {!comment.pending && (
              // SoftNavigation follows these links in place when JavaScript runs.
              <a href={commentLink(context, "reply", comment.id)} data-soft>
                <ReplyIcon />
                Reply
              </a>
            )}
            {editable && context.editing !== comment.id && (
              <a href={commentLink(context, "edit", comment.id)} data-soft>
                Edit
              </a>
            )}
            {editable && <DeleteCommentButton id={comment.id} slug={slug} />}
          </div>
          {context.replyTo === comment.id && !comment.pending && (
            <div id={`reply-${comment.id}`} className="reply-form">
              <CommentForm
                slug={slug}
                token={context.token}
                defaultName={context.name}
                parentId={comment.id}
                replyingTo={comment.authorName}
                cancelHref={`/articles/${slug}#${anchor}`}
              />
            </div>
          )}
        </>
      )}
      {comment.replies.length > 0 && (
        <ol className="comment-replies">
          {comment.replies.map((reply) => (
            <CommentItem key={reply.id} comment={reply} context={context} />
          ))}
        </ol>
      )}
    </li>
  );
}
