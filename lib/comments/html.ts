import { articleUrl, commentAnchor, reactionsPath } from "../routes";
import { THREADS_PER_PAGE, type CommentSort, type CommentView } from "./store";

// The markup of a comment that nothing on the page makes interactive for this reader (most of
// them): written as one string, which React passes through as it is, rather than as a tree of
// some thirty elements per comment that React renders and then repeats in the page's payload.
// components/comments/CommentItem.tsx renders the rest, and the same markup for these (pinned by
// tests/unit/comment-html.test.ts).

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
  /** Mail is set up: forms offer reply notifications. */
  mail?: boolean;
  /** The discussion is locked: no Reply links. */
  locked?: boolean;
  /** The signed-in author: every comment shows the moderation buttons (CommentItem). */
  admin?: boolean;
  /** The comment whose Delete the author asked to confirm. */
  confirm?: string;
};

const timeFormat = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

export const commentTime = (date: Date) => `${timeFormat.format(date)} UTC`;

/** What stands in a removed comment's place while replies hang under it. */
export const PLACEHOLDER_TEXT = { deleted: "[deleted]", removed: "[removed by a moderator]", pending: "[awaiting moderation]" } as const;

export const reactionLabel = (count: number, reacted: boolean) => `${reacted ? "Remove your thumbs up" : "Thumbs up"} (${count})`;

/** A link that opens a reply or edit form, keeping the reader's sort and page of threads. */
export function commentLink(context: CommentContext, name: "reply" | "edit", id: string): string {
  const params = new URLSearchParams({ [name]: id });
  if (context.sort !== "oldest") params.set("sort", context.sort);
  if (context.threads !== THREADS_PER_PAGE) params.set("threads", String(context.threads));
  return articleUrl(context.slug, params, name === "reply" ? `reply-${id}` : commentAnchor(id));
}

/** Whether this comment, or one under it, needs React: a form is open on it, or it is the reader's own (Edit, Delete, pending). */
export function isInteractive(comment: CommentView, context: CommentContext): boolean {
  return (
    Boolean(context.admin) ||
    comment.own ||
    context.replyTo === comment.id ||
    context.editing === comment.id ||
    comment.replies.some((reply) => isInteractive(reply, context))
  );
}

const escape = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;" })[c]!);

/** A comment and its replies as HTML: the inside of its <li>. */
export function commentInnerHtml(comment: CommentView, context: CommentContext): string {
  // Escaped like every other value: an import brings ids that this server did not make.
  const anchor = escape(commentAnchor(comment.id));
  const replies = comment.replies.length
    ? `<ol class="comment-replies">${comment.replies.map((reply) => commentHtml(reply, context)).join("")}</ol>`
    : "";
  if (comment.placeholder) {
    return `<p class="comment-placeholder">${PLACEHOLDER_TEXT[comment.placeholder]}</p>${replies}`;
  }
  const meta =
    `<p class="comment-meta"><img class="avatar" src="${escape(comment.avatar)}" alt="" width="24" height="24"/><span class="comment-author">${escape(comment.authorName)}</span>` +
    (comment.byAuthor ? `<span class="author-badge">Author</span>` : "") +
    (comment.replyToName ? `<span class="comment-reply-to"> replying to @${escape(comment.replyToName)}</span>` : "") +
    ` <a href="#${anchor}" class="comment-permalink"><time dateTime="${comment.createdAt.toISOString()}">${commentTime(comment.createdAt)}</time></a>` +
    (comment.editedAt ? `<span class="comment-edited" title="Edited ${comment.editedAt.toISOString()}"> (edited)</span>` : "") +
    (comment.pinned ? `<span class="comment-pinned"> Pinned</span>` : "") +
    `</p>`;
  // Never the reader's own, so never pending: every one has 👍 and Reply.
  const actions =
    `<form class="inline-form" data-soft="true" action="${reactionsPath(context.slug)}" method="post">` +
    `<input type="hidden" name="id" value="${escape(comment.id)}"/>` +
    `<button type="submit" class="reaction" aria-pressed="${comment.reacted}" aria-label="${reactionLabel(comment.reactions, comment.reacted)}"><span aria-hidden="true">👍</span> ${comment.reactions}</button></form>` +
    (context.locked ? "" : `<a href="${escape(commentLink(context, "reply", comment.id))}" data-soft="true">Reply</a>`);
  // The body is sanitized HTML from lib/comments/markdown.ts.
  return `${meta}<div class="comment-body">${comment.html}</div><div class="comment-actions">${actions}</div>${replies}`;
}

export function commentHtml(comment: CommentView, context: CommentContext): string {
  return `<li id="${escape(commentAnchor(comment.id))}" class="comment" data-depth="${comment.depth}">${commentInnerHtml(comment, context)}</li>`;
}
