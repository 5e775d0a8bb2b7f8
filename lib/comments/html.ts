import { commentAnchor, deletePath } from "../routes";
import { editableUntil, THREADS_PER_PAGE, type CommentSort, type CommentView } from "./store";
import type { BanTarget } from "./moderation";
import type { Avatar } from "./avatar";
import { fullTime, plural, relativeTime } from "../format";
import { escapeHtml as escape } from "../html-escape";

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
  /** Likes from the fediverse, by comment id (FEDIVERSE=on; lib/fediverse/reactions.ts). */
  fediverseLikes?: Record<string, number>;
  /** The answer is a document: each comment's markup travels once, in its HTML (lib/server/html-slots.ts). */
  document?: boolean;
  /**
   * A template for the page cache: each comment's actions are marked with it, for a commenter's
   * answer to put their own in (their 👍, Edit and Delete: lib/comments/commenter-page.ts).
   */
  template?: (id: string, count: number, replyTo: string | null, html: string) => string;
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

/**
 * What the 👍 button says before the count it shows (none at 0), visually hidden (the icon shows
 * it): its name is then what is seen, "Thumbs up 7"; aria-pressed says whether it is this reader's.
 * Reply's hidden " to <name>" likewise; CSS finds both spans by their place (app/globals.css).
 */
export const REACTION_LABEL = "Thumbs up";

/** The count a 👍 button shows after its icon: none until someone gives one. */
export const reactionCount = (count: number) => (count > 0 ? ` ${count}` : "");

/** Where the one reply form open on a page is: the link that opens it leads there. */
export const REPLY_FORM_ANCHOR = "reply-form";

/**
 * A link that opens a reply or edit form, keeping the reader's sort and page of threads: relative
 * to the article's own address (only its query and fragment), which every comment is shown on.
 */
export function commentLink(
  context: Pick<CommentContext, "sort" | "threads">,
  name: "reply" | "edit",
  id: string,
): string {
  const params = new URLSearchParams({ [name]: id });
  if (context.sort !== "oldest") params.set("sort", context.sort);
  if (context.threads !== THREADS_PER_PAGE) params.set("threads", String(context.threads));
  return `?${params}#${name === "reply" ? REPLY_FORM_ANCHOR : commentAnchor(id)}`;
}

/**
 * Whether this comment, or one under it, needs React: a form is open on it, or it is one only this
 * reader sees, with a note saying so (pending, or a banned author's own).
 */
export function isInteractive(comment: CommentView, context: CommentContext): boolean {
  return (
    Boolean(context.admin) ||
    comment.pending ||
    comment.hidden ||
    Boolean(comment.shadow) ||
    context.replyTo === comment.id ||
    context.editing === comment.id ||
    comment.replies.some((reply) => isInteractive(reply, context))
  );
}

/**
 * What a comment's actions show: its 👍 as this reader sees it, Reply (`replyTo`: whom it answers,
 * said to screen readers; null: no Reply), and their Edit and Delete for `editMinutesLeft` more
 * minutes (0: none).
 */
export type CommentActions = {
  id: string;
  count: number;
  reacted: boolean;
  replyTo: string | null;
  editMinutesLeft: number;
};

/** Whole minutes, rounded up, from `now` until `until`; 0 once past. */
export function minutesLeft(until: Date, now: number): number {
  const left = until.getTime() - now;
  return left > 0 ? Math.ceil(left / 60_000) : 0;
}

/** How many minutes the reader may still edit or delete their comment at `now`; 0 once they may not. */
export const editMinutesLeft = (comment: CommentView, context: Pick<CommentContext, "now" | "editMinutes">) =>
  comment.own && !comment.placeholder
    ? minutesLeft(editableUntil(comment.createdAt, context.editMinutes), context.now)
    : 0;

/** Whether the reader may still edit or delete their comment at `now`. */
export const isEditable = (comment: CommentView, context: Pick<CommentContext, "now" | "editMinutes">) =>
  editMinutesLeft(comment, context) > 0;

/** What Edit says after its name: how long it stays possible, "(12 min left)". */
export const editTimeLeft = (minutes: number) => ` (${minutes} min left)`;

/** What Delete asks, in its disclosure, before the button that deletes. */
export const DELETE_QUESTION = "Delete your comment?";

/**
 * A comment's actions, all in one style: 👍 (a button of the section's one form), Reply and Edit
 * (links that SoftNavigation follows in place, as every link of a comment's actions) and Delete, a
 * disclosure that asks first (no JavaScript needed) and holds a plain form sent in place the same way.
 */
export function commentActionsHtml(
  actions: CommentActions,
  context: Pick<CommentContext, "slug" | "sort" | "threads">,
): string {
  const { id, count, reacted, replyTo, editMinutesLeft: minutes } = actions;
  return (
    `<div class="comment-actions">` +
    `<button form="${REACTIONS_FORM}" value="${escape(id)}" class="reaction" aria-pressed="${reacted}" name="id"><span>${REACTION_LABEL}</span>${reactionCount(count)}</button>` +
    (replyTo !== null
      ? `<a href="${escape(commentLink(context, "reply", id))}" class="reply-link">Reply<span> to ${escape(replyTo)}</span></a>`
      : "") +
    (minutes > 0
      ? `<a href="${escape(commentLink(context, "edit", id))}" class="edit-link">Edit${editTimeLeft(minutes)}</a>` +
        `<details class="delete"><summary>Delete</summary><form class="inline-form" data-soft action="${escape(deletePath(context.slug))}" method="post"><input type="hidden" name="id" value="${escape(id)}"/>${DELETE_QUESTION} <button type="submit" class="danger">Yes, delete</button></form></details>`
      : "") +
    `</div>`
  );
}

/** The words the fediverse adds to a discussion (lib/fediverse/): a reply's link to where it was written, the likes and boosts. */
export const FEDIVERSE_TEXT = {
  original: "original",
  commentLikes: (likes: number) => `${plural(likes, "like")} on the fediverse`,
  counts: (likes: number, boosts: number) =>
    `On the fediverse: ${[likes && plural(likes, "like"), boosts && plural(boosts, "boost")].filter(Boolean).join(" · ")}`,
  /** Likes and reposts sent by Webmention from other sites. */
  webmentionCounts: (likes: number, reposts: number) =>
    `On other sites: ${[likes && plural(likes, "like"), reposts && plural(reposts, "repost")].filter(Boolean).join(" · ")}`,
} as const;

/** A fediverse reply's handle and the link to the original, after the name. */
export function fediverseHtml(fediverse: CommentView["fediverse"]): string {
  if (!fediverse) return "";
  const link = fediverse.url
    ? ` <a class="comment-original" href="${escape(fediverse.url)}" rel="nofollow ugc noopener">${FEDIVERSE_TEXT.original}</a>`
    : "";
  return `<span class="comment-handle"> ${escape(fediverse.handle)}</span>${link}`;
}

/** A commenter's avatar: initials on their tone (app/comments.css), decorative beside the name. */
export function avatarHtml(avatar: Avatar | null): string {
  return avatar ? `<span class="avatar t${avatar.tone}" aria-hidden="true">${escape(avatar.initials)}</span>` : "";
}

/**
 * A comment and its replies as HTML: the inside of its <li>. The permalink has no class (CSS finds
 * it in .comment > .comment-meta): a page of 200 comments is some KB lighter for it.
 */
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
    `<p class="comment-meta">${avatarHtml(comment.avatar)}<span class="comment-author">${escape(comment.authorName)}</span>` +
    fediverseHtml(comment.fediverse) +
    (context.fediverseLikes?.[comment.id]
      ? `<span class="comment-fediverse-likes"> ${FEDIVERSE_TEXT.commentLikes(context.fediverseLikes[comment.id])}</span>`
      : "") +
    (comment.byAuthor ? `<span class="comment-author-badge">Author</span>` : "") +
    (comment.replyToName ? `<span class="comment-reply-to"> replying to @${escape(comment.replyToName)}</span>` : "") +
    ` <a href="#${anchor}"><time dateTime="${comment.createdAt.toISOString()}" title="${commentTimeTitle(comment.createdAt)}">${commentTime(comment.createdAt, context.now)}</time></a>` +
    (comment.editedAt
      ? `<span class="comment-edited" title="Edited ${comment.editedAt.toISOString()}"> (edited)</span>`
      : "") +
    (comment.pinned ? `<span class="comment-pinned"> Pinned</span>` : "") +
    `</p>`;
  // Never pending (isInteractive): every one has 👍, and Reply unless the discussion is locked.
  const replyTo = context.locked ? null : comment.authorName;
  const html = commentActionsHtml(
    {
      id: comment.id,
      count: comment.reactions,
      reacted: comment.reacted,
      replyTo,
      editMinutesLeft: editMinutesLeft(comment, context),
    },
    context,
  );
  const actions = context.template ? context.template(comment.id, comment.reactions, replyTo, html) : html;
  // The body is sanitized HTML from lib/content/comment-markdown.ts.
  return `${meta}<div class="comment-body">${comment.html}</div>${actions}${replies}`;
}

export function commentHtml(comment: CommentView, context: CommentContext): string {
  return `<li id="${escape(commentAnchor(comment.id))}" class="comment">${commentInnerHtml(comment, context)}</li>`;
}
