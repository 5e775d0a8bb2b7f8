import type { CommentView } from "@/lib/comments/store";
import {
  commentInnerHtml,
  commentWords,
  editMinutesLeft,
  ownDirection,
  commentLink,
  isInteractive,
  type CommentContext,
  REPLY_FORM_ANCHOR,
} from "@/lib/comments/html";
import { pick } from "@/lib/i18n";
import { rich } from "@/lib/i18n/rich";
import { COMMENT_FORM_WORDS, EDIT_FORM_WORDS } from "@/lib/i18n/client-words";
import { CommentForm } from "./CommentForm";
import { EditCommentForm } from "./CommentActions";
import { ModerationControls } from "./ModerationControls";
import { ReactionButton } from "./ReactionButton";
import { articlePath, articleUrl, commentAnchor, deletePath } from "@/lib/routes";
import { slotProps } from "@/lib/server/html-slots";
import { HtmlSlot } from "../HtmlSlot";

export type { CommentContext };

/**
 * A comment and its replies. Most comments come as one string of HTML (lib/comments/html.ts); a
 * comment with a form open on it, or one only this reader sees, is rendered here with its forms,
 * and the same markup otherwise.
 */
export function CommentItem({ comment, context }: { comment: CommentView; context: CommentContext }) {
  if (!isInteractive(comment, context)) {
    return (
      <HtmlSlot
        as="li"
        id={commentAnchor(comment.id)}
        className="comment"
        {...slotProps(commentInnerHtml(comment, context), Boolean(context.document))}
      />
    );
  }
  return <InteractiveComment comment={comment} context={context} />;
}

export function InteractiveComment({ comment, context }: { comment: CommentView; context: CommentContext }) {
  const { slug } = context;
  const anchor = commentAnchor(comment.id);
  const minutesLeft = editMinutesLeft(comment, context);
  const w = commentWords();

  return (
    <li id={anchor} className="comment">
      {comment.placeholder ? (
        <p className="comment-placeholder">{w.t(PLACEHOLDER_KEYS[comment.placeholder])}</p>
      ) : (
        <>
          <CommentMeta
            comment={comment}
            anchor={anchor}
            now={context.now}
            fediverseLikes={context.fediverseLikes?.[comment.id]}
          />
          {context.editing === comment.id && minutesLeft > 0 && comment.markdown !== null ? (
            <EditCommentForm
              id={comment.id}
              slug={slug}
              body={comment.markdown}
              cancelHref={articleUrl(slug, undefined, anchor)}
              permalink={articlePath(slug) + commentLink(context, "edit", comment.id)}
              words={pick(EDIT_FORM_WORDS)}
            />
          ) : (
            // Sanitized by lib/content/comment-markdown.ts: an allow-list of tags, attributes and URL schemes.
            <HtmlSlot
              as="div"
              className="comment-body"
              dir={ownDirection(comment.html, w.dir)}
              {...slotProps(comment.html, Boolean(context.document))}
            />
          )}
          <CommentActionRow comment={comment} context={context} minutesLeft={minutesLeft} />
          {context.admin && (
            <ModerationControls
              comment={comment}
              slug={slug}
              confirming={context.confirm === comment.id}
              banning={context.ban?.id === comment.id ? context.ban : null}
              hidden={Boolean(comment.hidden)}
            />
          )}
          {context.replyTo === comment.id && !comment.pending && !context.locked && (
            <ReplyForm comment={comment} context={context} anchor={anchor} />
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

const PLACEHOLDER_KEYS = {
  deleted: "comment.deleted",
  removed: "comment.removed",
  pending: "comment.awaiting",
} as const;

/** Who wrote it and when, with what only this reader is told about it (awaiting, hidden, banned). */
function CommentMeta({
  comment,
  anchor,
  now,
  fediverseLikes,
}: {
  comment: CommentView;
  anchor: string;
  now: number;
  fediverseLikes?: number;
}) {
  const w = commentWords();
  const { t } = w;
  return (
    <p className="comment-meta">
      {comment.avatar && (
        <span className={`avatar t${comment.avatar.tone}`} aria-hidden="true">
          {comment.avatar.initials}
        </span>
      )}
      <span className="comment-author" dir={ownDirection(comment.authorName, w.dir)}>
        {comment.authorName}
      </span>
      {comment.fediverse && (
        <span className="comment-handle" dir="ltr">
          {" "}
          {comment.fediverse.handle}
        </span>
      )}
      {comment.fediverse?.url && (
        <>
          {" "}
          <a className="comment-original" href={comment.fediverse.url} rel="nofollow ugc">
            {t("fediverse.original")}
          </a>
        </>
      )}
      {fediverseLikes ? (
        <span className="comment-fediverse-likes"> {t("fediverse.commentLikes", { count: fediverseLikes })}</span>
      ) : null}
      {comment.byAuthor && <span className="comment-author-badge">{t("comment.author")}</span>}
      {comment.replyToName && (
        <span className="comment-reply-to">
          {" "}
          {rich(t, "comment.replyingTo", { name: <bdi>{comment.replyToName}</bdi> })}
        </span>
      )}{" "}
      <a href={`#${anchor}`}>
        <time dateTime={comment.createdAt.toISOString()} title={w.timeTitle(comment.createdAt)}>
          {w.time(comment.createdAt, now)}
        </time>
      </a>
      {comment.editedAt && (
        <span className="comment-edited" title={w.editedTitle(comment.editedAt.toISOString())}>
          {" "}
          {t("comment.edited")}
        </span>
      )}
      {comment.pending && <span className="comment-pending"> {t("comment.pending")}</span>}
      {comment.pinned && <span className="comment-pinned"> {t("comment.pinned")}</span>}
      {comment.hidden && <span className="comment-pending"> {t("comment.hidden")}</span>}
      {comment.shadow && <span className="comment-pending"> {t("comment.shadow")}</span>}
    </p>
  );
}

/** 👍, Reply, and the reader's own Edit and Delete, each where it applies: lib/comments/html.ts's markup. */
function CommentActionRow({
  comment,
  context,
  minutesLeft,
}: {
  comment: CommentView;
  context: CommentContext;
  minutesLeft: number;
}) {
  const { slug } = context;
  const w = commentWords();
  const { t } = w;
  return (
    <div className="comment-actions">
      {!comment.pending && <ReactionButton id={comment.id} count={comment.reactions} reacted={comment.reacted} />}
      {!comment.pending && !context.locked && (
        // SoftNavigation follows these links in place when JavaScript runs.
        <a href={commentLink(context, "reply", comment.id)} className="reply-link">
          {t("comment.reply")}
          <span>{t("comment.replyTo", { name: comment.authorName })}</span>
        </a>
      )}
      {minutesLeft > 0 && context.editing !== comment.id && (
        <a href={commentLink(context, "edit", comment.id)} className="edit-link">
          {t("comment.edit")}
          {w.editLeft(minutesLeft)}
        </a>
      )}
      {minutesLeft > 0 && (
        // Asks first, without JavaScript too; a plain form (app/articles/[slug]/delete), sent in place by SoftNavigation.
        <details className="delete">
          <summary>{t("comment.delete")}</summary>
          <form method="post" action={deletePath(slug)} className="inline-form" data-soft="">
            <input type="hidden" name="id" value={comment.id} />
            {t("comment.deleteQuestion")}{" "}
            <button type="submit" className="danger">
              {t("comment.deleteYes")}
            </button>
          </form>
        </details>
      )}
    </div>
  );
}

/** The one reply form of the page, open under the comment it answers. */
function ReplyForm({ comment, context, anchor }: { comment: CommentView; context: CommentContext; anchor: string }) {
  const { slug } = context;
  return (
    <div id={REPLY_FORM_ANCHOR} className="reply-form">
      <CommentForm
        slug={slug}
        permalink={articlePath(slug) + commentLink(context, "reply", comment.id)}
        token={context.token}
        defaultName={context.name}
        parentId={comment.id}
        replyingTo={comment.authorName}
        cancelHref={articleUrl(slug, undefined, anchor)}
        mail={context.mail}
        words={{
          ...pick(COMMENT_FORM_WORDS),
          ...pick(["form.replyTo", "form.replyPlaceholder"], { name: comment.authorName }),
        }}
      />
    </div>
  );
}
