import { headers } from "next/headers";
import Link from "next/link";
import {
  listComments,
  THREADS_PER_PAGE,
  type CommentPage,
  type CommentSort,
  MAX_THREADS_PER_PAGE,
  type CommentView,
} from "@/lib/comments/store";
import { isTemplateRender, PLACEHOLDER, templateActions } from "@/lib/server/page-cache";
import { answersWithDocument } from "@/lib/server/html-slots";
import { postedMessage } from "@/lib/comments/service";
import { readViewer, rememberedName } from "@/lib/comments/reader";
import { mailEnabled } from "@/lib/mail/mail";
import { settings } from "@/lib/settings";
import { db } from "@/lib/server/db";
import { commentLikeCounts, reactionCounts } from "@/lib/fediverse/reactions";
import { elsewhereCounts } from "@/lib/comments/html";
import { issueFormToken } from "@/lib/server/form-token";
import { CommentForm } from "./CommentForm";
import { publishedCommentCount } from "./comment-count";
import { ReactionsForm } from "./ReactionButton";
import { CommentItem, type CommentContext } from "./CommentItem";
import { FollowForm } from "./FollowForm";
import { isAdmin } from "@/lib/server/admin";
import { banTarget, isThreadLocked } from "@/lib/comments/moderation";
import { ADMIN_PATH } from "@/lib/routes";
import { LockControl } from "./ModerationControls";
import { RelativeTimes } from "./RelativeTimes";
import { SoftNavigation } from "./SoftNavigation";
import { articleUrl, commentAnchor, commentFeedPath } from "@/lib/routes";
import { pick, siteLanguage } from "@/lib/i18n";
import { rich } from "@/lib/i18n/rich";
import { COMMENT_FORM_WORDS, FOLLOW_FORM_WORDS } from "@/lib/i18n/client-words";

export type CommentSectionProps = {
  slug: string;
  sort: CommentSort;
  /** How many threads to show: THREADS_PER_PAGE, more after "Show more comments". */
  threads: number;
  replyTo?: string;
  editing?: string;
  /** The comment this reader just posted without JavaScript. */
  posted?: string;
  /** The comment whose deletion the signed-in author is asked to confirm. */
  confirm?: string;
  /** The comment whose author the signed-in author is asked to ban; `banned`: they just did. */
  ban?: string;
  banned?: boolean;
};

function findComment(threads: CommentView[], id: string): CommentView | undefined {
  for (const comment of threads) {
    if (comment.id === id) return comment;
    const found = findComment(comment.replies, id);
    if (found) return found;
  }
  return undefined;
}

const SORT_LABELS = {
  oldest: "comments.sortOldest",
  newest: "comments.sortNewest",
  best: "comments.sortBest",
} as const;

/** Which threads the section shows, in which order: what its links change. */
type DiscussionView = { sort: CommentSort; threads: number };

/** The article's address showing `view`, the defaults left out. */
function discussionUrl(slug: string, view: DiscussionView, fragment?: string) {
  const params = new URLSearchParams();
  if (view.sort !== "oldest") params.set("sort", view.sort);
  if (view.threads !== THREADS_PER_PAGE) params.set("threads", String(view.threads));
  return articleUrl(slug, params, fragment);
}

/** The id of the section's own comment form, where its answer without JavaScript opens. */
const NEW_COMMENT_ANCHOR = "comments-form";

type Discussion = {
  page: CommentPage;
  context: CommentContext;
  notice: string | undefined;
  /** Likes and boosts from the fediverse (FEDIVERSE=on), or null. */
  fediverse: { likes: number; boosts: number } | null;
  /** Likes and reposts from other sites by Webmention (FEDIVERSE=on), or null. */
  webmention: { likes: number; boosts: number } | null;
};

/**
 * The section's threads and what every comment needs to know about the page and this reader. Throws
 * when the database cannot answer: the section then says so, and the article is still shown.
 */
async function readDiscussion({
  slug,
  sort,
  threads,
  replyTo,
  editing,
  posted,
  confirm,
  ban,
}: CommentSectionProps): Promise<Discussion> {
  let notice: string | undefined;
  // The author's session is a cookie: their page is rendered for them, never the shared one.
  const [reader, admin, locked, request, reactions] = await Promise.all([
    readViewer(),
    isAdmin(),
    isThreadLocked(slug),
    headers(),
    settings().FEDIVERSE === "on"
      ? Promise.all([
          reactionCounts(db(), slug),
          commentLikeCounts(db(), slug),
          reactionCounts(db(), slug, "webmention"),
        ])
      : null,
  ]);
  const viewer = { ...reader, admin };
  // A page kept for readers without cookies (lib/server/page-cache.ts) has placeholders where
  // each answer puts its token and the reader's name, and marks where a commenter's actions go.
  const template = isTemplateRender(request);
  // Nothing of their own to count: the number the page's header asked for.
  const count = !admin && reader.ownIds.size === 0 ? publishedCommentCount(slug) : undefined;
  const page = await listComments(slug, { sort, threads, viewer, count });
  // Under COMMENTS_MODERATION=first the setting alone does not say whether it waits: the comment does.
  if (posted && viewer.ownIds.has(posted))
    notice = postedMessage(findComment(page.threads, posted)?.pending ?? settings().COMMENTS_MODERATION === "pre");
  const context: CommentContext = {
    slug,
    sort,
    threads,
    replyTo,
    editing,
    name: template ? PLACEHOLDER.name : await rememberedName(),
    token: template ? PLACEHOLDER.token : issueFormToken(),
    template: template ? templateActions : undefined,
    editMinutes: settings().COMMENT_EDIT_MINUTES,
    // A server component renders once per request: "3 hours ago" is as of this answer.
    now: Date.now(),
    mail: mailEnabled(),
    locked,
    admin,
    confirm: admin ? confirm : undefined,
    ban: admin && ban ? await banTarget(ban) : null,
    document: answersWithDocument(request),
    fediverseLikes: reactions?.[1],
  };
  return { page, context, notice, fediverse: reactions?.[0] ?? null, webmention: reactions?.[2] ?? null };
}

/**
 * An article's discussion, rendered on the server for each request with the reader's own state, or
 * once for every reader without cookies (lib/server/page-cache.ts).
 */
export async function CommentSection(props: CommentSectionProps) {
  const { slug, sort, threads, banned } = props;
  const { t, format } = siteLanguage();
  let discussion: Discussion;
  try {
    discussion = await readDiscussion(props);
  } catch (error) {
    console.error(`comments: cannot list comments for "${slug}"`, error);
    return (
      <section className="comments" id="comments" aria-labelledby="comments-heading">
        <h2 id="comments-heading">{t("comments.heading")}</h2>
        <p role="status" className="notice">
          {t("comments.unavailable")}
        </p>
      </section>
    );
  }
  const { page, context, notice, fediverse, webmention } = discussion;
  const query = (changes: Partial<DiscussionView>) => discussionUrl(slug, { sort, threads, ...changes });

  return (
    <section className="comments" id="comments" aria-labelledby="comments-heading">
      <h2 id="comments-heading">{t("comments.headingCount", { count: page.count })}</h2>
      {fediverse && (fediverse.likes > 0 || fediverse.boosts > 0) && (
        <p className="meta fediverse-counts">{elsewhereCounts("fediverse", fediverse)}</p>
      )}
      {webmention && (webmention.likes > 0 || webmention.boosts > 0) && (
        <p className="meta webmention-counts">{elsewhereCounts("webmention", webmention)}</p>
      )}
      <ReactionsForm slug={slug} />
      {context.admin && banned && (
        <p role="status" className="notice">
          {rich(t, "comments.banned", {
            link: <Link href={`${ADMIN_PATH}#bans`}>{t("comments.bannedLink")}</Link>,
          })}
        </p>
      )}
      {/* At the top, where a reader who has read the article arrives; replies open under their comment. */}
      <NewComment context={context} notice={notice} />
      {page.threads.length > 1 && <SortLinks sort={sort} query={query} />}
      {page.threads.length === 0 ? (
        <p className="empty">{t("comments.empty")}</p>
      ) : (
        <ol className="comment-list">
          {page.threads.map((comment) => (
            <CommentItem key={comment.id} comment={comment} context={context} />
          ))}
        </ol>
      )}
      {page.hasMore && threads < MAX_THREADS_PER_PAGE && (
        <p className="more">
          {/* Lands on the first thread it adds (SoftNavigation moves the focus there too), not at the top. */}
          <Link
            href={`${query({ threads: Math.min(threads + THREADS_PER_PAGE, MAX_THREADS_PER_PAGE) })}#${page.next ? commentAnchor(page.next) : "comments"}`}
            scroll={false}
            id="comments-more"
          >
            {t("comments.more")}
          </Link>
        </p>
      )}
      {page.hasMore && threads >= MAX_THREADS_PER_PAGE && (
        <p className="more">{t("comments.atMost", { count: format.number(MAX_THREADS_PER_PAGE) })}</p>
      )}
      {context.admin && <LockControl slug={slug} locked={Boolean(context.locked)} />}
      <SoftNavigation />
      <RelativeTimes lang={siteLanguage().tag} justNow={t("time.justNow")} />
      <p className="meta comment-feed">
        <a href={commentFeedPath(slug)}>{t("comments.feed")}</a>
      </p>
      {context.mail && (
        <>
          <FollowForm kind="discussion" slug={slug} words={pick(FOLLOW_FORM_WORDS)} />
          <FollowForm kind="articles" words={pick(FOLLOW_FORM_WORDS)} />
        </>
      )}
    </section>
  );
}

/**
 * The section's own comment form, or why there is none. Without JavaScript it posts to the article's
 * address showing the same threads, and its answer opens at the form.
 */
function NewComment({ context, notice }: { context: CommentContext; notice: string | undefined }) {
  const { slug, sort, threads } = context;
  const { t } = siteLanguage();
  if (context.locked) {
    return (
      <p role="status" className="notice comments-locked">
        {t("comments.locked")}
      </p>
    );
  }
  return (
    <CommentForm
      slug={slug}
      id={NEW_COMMENT_ANCHOR}
      permalink={discussionUrl(slug, { sort, threads }, NEW_COMMENT_ANCHOR)}
      token={context.token}
      defaultName={context.name}
      notice={notice}
      mail={context.mail}
      words={pick(COMMENT_FORM_WORDS)}
    />
  );
}

/** Oldest, newest or best first; the link of the order shown is marked current. */
function SortLinks({ sort, query }: { sort: CommentSort; query: (changes: Partial<DiscussionView>) => string }) {
  const { t } = siteLanguage();
  return (
    <nav className="comment-sort" aria-label={t("comments.sortLabel")}>
      {t("comments.sort")}{" "}
      {(Object.keys(SORT_LABELS) as CommentSort[]).map((option) => (
        <Link
          key={option}
          href={`${query({ sort: option })}#comments`}
          aria-current={option === sort ? "true" : undefined}
          scroll={false}
        >
          {t(SORT_LABELS[option])}
        </Link>
      ))}
    </nav>
  );
}
