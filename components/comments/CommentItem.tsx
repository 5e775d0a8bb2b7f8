import { editableUntil, THREADS_PER_PAGE, type CommentSort, type CommentView } from "@/lib/comments";
import { CommentForm } from "./CommentForm";
import { DeleteCommentButton, EditCommentForm } from "./CommentActions";
import { ReactionButton } from "./ReactionButton";

/** What every comment in a section needs to know about the page and the reader. */
export type CommentContext = {
  slug: string;
  sort: CommentSort;
  threads: number;
  replyTo?: string;
  editing?: string;
  name: string;
  token: string;
  editMinutes: number;
  now: number;
};

const timeFormat = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

export function CommentItem({ comment, context }: { comment: CommentView; context: CommentContext }) {
  const { slug } = context;
  const anchor = `comment-${comment.id}`;
  // Links that open a reply or edit form keep the reader's sort and page of threads; SoftNavigation
  // follows them in place when JavaScript runs.
  const withParam = (name: string) => {
    const params = new URLSearchParams({ [name]: comment.id });
    if (context.sort !== "oldest") params.set("sort", context.sort);
    if (context.threads !== THREADS_PER_PAGE) params.set("threads", String(context.threads));
    return `/articles/${slug}?${params}`;
  };
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
              <time dateTime={comment.createdAt.toISOString()}>{timeFormat.format(comment.createdAt)} UTC</time>
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
              <a href={`${withParam("reply")}#reply-${comment.id}`} data-soft>
                Reply
              </a>
            )}
            {editable && context.editing !== comment.id && (
              <a href={`${withParam("edit")}#${anchor}`} data-soft>
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
