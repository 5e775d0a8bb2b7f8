import { commentAnchor } from "../routes";
import { THREADS_PER_PAGE, type CommentSort, type CommentView } from "./store";
import type { BanTarget } from "./moderation";
import { fullTime, relativeTime } from "../format";

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
  /** Who wrote the comment whose author the signed-in author asked to ban. */
  ban?: BanTarget | null;
  /** The answer is a document: each comment's markup travels once, in its HTML (lib/server/html-slots.ts). */
  document?: boolean;
};

/** "3 hours ago" as of the render; the full date is the time's title, and components/comments/RelativeTimes keeps it current. */
export const commentTime = (date: Date, now: number) => relativeTime(date, now);
export const commentTimeTitle = fullTime;

/**
 * The one form of the section that every 👍 button submits (`form` attribute): the button carries
 * the comment's id as its name and value, so no comment needs a form of its own.
 */
export const REACTIONS_FORM = "mg-reactions";

/** What stands in a removed comment's place while replies hang under it. */
export const PLACEHOLDER_TEXT = {
  deleted: "[deleted]",
  removed: "[removed by a moderator]",
  pending: "[awaiting moderation]",
} as const;

export const reactionLabel = (count: number, reacted: boolean) =>
  `${reacted ? "Remove your thumbs up" : "Thumbs up"} (${count})`;

/** Where the one reply form open on a page is: the link that opens it leads there. */
export const REPLY_FORM_ANCHOR = "reply-form";

/**
 * A link that opens a reply or edit form, keeping the reader's sort and page of threads: relative
 * to the article's own address (only its query and fragment), which every comment is shown on.
 */
export function commentLink(context: CommentContext, name: "reply" | "edit", id: string): string {
  const params = new URLSearchParams({ [name]: id });
  if (context.sort !== "oldest") params.set("sort", context.sort);
  if (context.threads !== THREADS_PER_PAGE) params.set("threads", String(context.threads));
  return `?${params}#${name === "reply" ? REPLY_FORM_ANCHOR : commentAnchor(id)}`;
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
    `<p class="comment-meta"><img class="comment-avatar" src="${escape(comment.avatar)}" alt="" loading="lazy"/><span class="comment-author">${escape(comment.authorName)}</span>` +
    (comment.byAuthor ? `<span class="comment-author-badge">Author</span>` : "") +
    (comment.replyToName ? `<span class="comment-reply-to"> replying to @${escape(comment.replyToName)}</span>` : "") +
    ` <a href="#${anchor}" class="comment-permalink"><time dateTime="${comment.createdAt.toISOString()}" title="${commentTimeTitle(comment.createdAt)}">${commentTime(comment.createdAt, context.now)}</time></a>` +
    (comment.editedAt
      ? `<span class="comment-edited" title="Edited ${comment.editedAt.toISOString()}"> (edited)</span>`
      : "") +
    (comment.pinned ? `<span class="comment-pinned"> Pinned</span>` : "") +
    `</p>`;
  // Never the reader's own, so never pending: every one has 👍 and Reply.
  const actions =
    `<button form="${REACTIONS_FORM}" value="${escape(comment.id)}" class="reaction" aria-pressed="${comment.reacted}" aria-label="${reactionLabel(comment.reactions, comment.reacted)}" name="id">${comment.reactions}</button>` +
    (context.locked
      ? ""
      : `<a href="${escape(commentLink(context, "reply", comment.id))}" class="reply-link" data-soft>Reply</a>`);
  // The body is sanitized HTML from lib/comments/markdown.ts.
  return `${meta}<div class="comment-body">${comment.html}</div><div class="comment-actions">${actions}</div>${replies}`;
}

export function commentHtml(comment: CommentView, context: CommentContext): string {
  return `<li id="${escape(commentAnchor(comment.id))}" class="comment">${commentInnerHtml(comment, context)}</li>`;
}
