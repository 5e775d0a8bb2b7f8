import { commentAnchor, deletePath } from "../routes";
import { editableUntil, THREADS_PER_PAGE, type CommentSort, type CommentView } from "./store";
import type { BanTarget } from "./moderation";
import type { Avatar } from "./avatar";
import { escapeHtml as escape } from "../html-escape";
import { siteLanguage, type SiteLanguage } from "../i18n";
import { writtenDirection } from "../i18n/languages";

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

/**
 * The words of a comment's markup in the site's language, the fixed ones formatted once per
 * language (a page of 200 comments writes each some 200 times) and escaped for HTML.
 */
export type CommentWords = ReturnType<typeof makeWords>;

function makeWords({ t, format, dir }: SiteLanguage) {
  const text = (key: Parameters<typeof t>[0]) => escape(t(key));
  return {
    t,
    dir,
    author: text("comment.author"),
    edited: text("comment.edited"),
    pinned: text("comment.pinned"),
    pending: text("comment.pending"),
    hidden: text("comment.hidden"),
    shadow: text("comment.shadow"),
    placeholder: {
      deleted: text("comment.deleted"),
      removed: text("comment.removed"),
      pending: text("comment.awaiting"),
    },
    thumbsUp: text("comment.thumbsUp"),
    reply: text("comment.reply"),
    edit: text("comment.edit"),
    delete: text("comment.delete"),
    deleteQuestion: text("comment.deleteQuestion"),
    deleteYes: text("comment.deleteYes"),
    justNow: t("time.justNow"),
    /** "3 hours ago" as of the render; components/comments/RelativeTimes keeps it current. */
    time: (date: Date, now: number) => format.relative(date, now, t("time.justNow")),
    /** The full date, the relative time's title. */
    timeTitle: (date: Date) => format.fullTime(date),
    /** " to Ada", after Reply, for screen readers: HTML, the name isolated. */
    replyTo: (name: string) => escape(t("comment.replyTo", { name })),
    /** What Edit says after its name: how long it stays possible, " (12 min left)". */
    editLeft: (minutes: number) => t("comment.editLeft", { minutes }),
    /** "replying to @Ada": HTML, the name isolated. */
    replyingTo: (name: string) => named(t("comment.replyingTo", { name: MARK }), name),
    editedTitle: (date: string) => t("comment.editedTitle", { date }),
    /** A fediverse reply's link to where it was written. */
    original: text("fediverse.original"),
    /** "3 likes on the fediverse", beside a fediverse reply's name. */
    fediverseLikes: (count: number) => escape(t("fediverse.commentLikes", { count })),
  };
}

// A name a reader wrote, in <bdi> inside the site's words: an Arabic name in an English sentence
// (or the other way round) keeps its own direction and does not reorder the words around it.
const MARK = "\u0000";
const named = (message: string, name: string) => escape(message).replace(MARK, `<bdi>${escape(name)}</bdi>`);

const words = new WeakMap<SiteLanguage, CommentWords>();

/**
 * The direction of a reader's name or words where it is not the site's (an Arabic comment on an
 * English site, or the other way round), found as dir="auto" would find it; undefined where they
 * run the site's way, which is nearly always: no attribute on every comment of a page for it.
 */
export function ownDirection(text: string, site: "ltr" | "rtl" = siteLanguage().dir): "ltr" | "rtl" | undefined {
  const written = writtenDirection(text);
  return written && written !== site ? written : undefined;
}

const dirAttribute = (text: string, site: "ltr" | "rtl") => {
  const dir = ownDirection(text, site);
  return dir ? ` dir="${dir}"` : "";
};

/** The comment words of the site's language. */
export function commentWords(): CommentWords {
  const language = siteLanguage();
  let known = words.get(language);
  if (!known) words.set(language, (known = makeWords(language)));
  return known;
}

/**
 * The one form of the section that every 👍 button submits (`form` attribute): the button carries
 * the comment's id as its name and value, so no comment needs a form of its own. Its id is written
 * on every comment, hence short; "mg-" keeps it apart from the ids of an article's headings.
 */
export const REACTIONS_FORM = "mg-r";

/*
 * The 👍 button says "Thumbs up" before the count it shows (none at 0), visually hidden (the icon
 * shows it): its name is then what is seen, "Thumbs up 7"; aria-pressed says whether it is this
 * reader's. Reply's hidden " to <name>" likewise; CSS finds both spans by their place (app/globals.css).
 */

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
  const w = commentWords();
  return (
    `<div class="comment-actions">` +
    `<button form="${REACTIONS_FORM}" value="${escape(id)}" class="reaction" aria-pressed="${reacted}" name="id"><span>${w.thumbsUp}</span>${reactionCount(count)}</button>` +
    (replyTo !== null
      ? `<a href="${escape(commentLink(context, "reply", id))}" class="reply-link">${w.reply}<span>${w.replyTo(replyTo)}</span></a>`
      : "") +
    (minutes > 0
      ? `<a href="${escape(commentLink(context, "edit", id))}" class="edit-link">${w.edit}${escape(w.editLeft(minutes))}</a>` +
        `<details class="delete"><summary>${w.delete}</summary><form class="inline-form" data-soft action="${escape(deletePath(context.slug))}" method="post"><input type="hidden" name="id" value="${escape(id)}"/>${w.deleteQuestion} <button type="submit" class="danger">${w.deleteYes}</button></form></details>`
      : "") +
    `</div>`
  );
}

/**
 * What other sites add to a discussion, under its heading: "On the fediverse: 3 likes · 1 boost",
 * or by Webmention "On other sites: 2 likes · 1 repost" (text: React escapes it).
 */
export function elsewhereCounts(
  where: "fediverse" | "webmention",
  { likes, boosts }: { likes: number; boosts: number },
): string {
  const { t } = siteLanguage();
  const fediverse = where === "fediverse";
  const counts = [
    likes > 0 && t("fediverse.likes", { count: likes }),
    boosts > 0 && t(fediverse ? "fediverse.boosts" : "webmention.reposts", { count: boosts }),
  ];
  return t(fediverse ? "fediverse.counts" : "webmention.counts", { counts: counts.filter(Boolean).join(" · ") });
}

/** A fediverse reply's handle and the link to the original, after the name. */
export function fediverseHtml(fediverse: CommentView["fediverse"], w: CommentWords = commentWords()): string {
  if (!fediverse) return "";
  const link = fediverse.url
    ? ` <a class="comment-original" href="${escape(fediverse.url)}" rel="nofollow ugc">${w.original}</a>`
    : "";
  return `<span class="comment-handle" dir="ltr"> ${escape(fediverse.handle)}</span>${link}`;
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
  const w = commentWords();
  if (comment.placeholder) {
    return `<p class="comment-placeholder">${w.placeholder[comment.placeholder]}</p>${replies}`;
  }
  const meta =
    `<p class="comment-meta">${avatarHtml(comment.avatar)}<span class="comment-author"${dirAttribute(comment.authorName, w.dir)}>${escape(comment.authorName)}</span>` +
    fediverseHtml(comment.fediverse, w) +
    (context.fediverseLikes?.[comment.id]
      ? `<span class="comment-fediverse-likes"> ${w.fediverseLikes(context.fediverseLikes[comment.id])}</span>`
      : "") +
    (comment.byAuthor ? `<span class="comment-author-badge">${w.author}</span>` : "") +
    (comment.replyToName ? `<span class="comment-reply-to"> ${w.replyingTo(comment.replyToName)}</span>` : "") +
    ` <a href="#${anchor}"><time dateTime="${comment.createdAt.toISOString()}" title="${escape(w.timeTitle(comment.createdAt))}">${escape(w.time(comment.createdAt, context.now))}</time></a>` +
    (comment.editedAt
      ? `<span class="comment-edited" title="${escape(w.editedTitle(comment.editedAt.toISOString()))}"> ${w.edited}</span>`
      : "") +
    (comment.pinned ? `<span class="comment-pinned"> ${w.pinned}</span>` : "") +
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
  // A comment in another script than the site's reads in its own direction.
  return `${meta}<div class="comment-body"${dirAttribute(comment.html, w.dir)}>${comment.html}</div>${actions}${replies}`;
}

export function commentHtml(comment: CommentView, context: CommentContext): string {
  return `<li id="${escape(commentAnchor(comment.id))}" class="comment">${commentInnerHtml(comment, context)}</li>`;
}
