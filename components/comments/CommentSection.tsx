import { headers } from "next/headers";
import Link from "next/link";
import { commentFeedPath } from "@/lib/feeds";
import { listComments, THREADS_PER_PAGE, type CommentPage, type CommentSort } from "@/lib/comments";
import { isTemplateRender, PLACEHOLDER } from "@/lib/page-cache";
import { postedMessage } from "@/lib/posting";
import { readViewer, rememberedName } from "@/lib/reader";
import { settings } from "@/lib/settings";
import { issueFormToken } from "@/lib/spam";
import { CommentForm } from "./CommentForm";
import { CommentItem, type CommentContext } from "./CommentItem";
import { RelativeTimes } from "./RelativeTimes";
import { SoftNavigation } from "./SoftNavigation";

export type CommentSectionProps = {
  slug: string;
  sort: CommentSort;
  /** How many threads to show: THREADS_PER_PAGE, more after "Show more comments". */
  threads: number;
  replyTo?: string;
  editing?: string;
  /** The comment this reader just posted without JavaScript. */
  posted?: string;
};

const SORT_LABELS: Record<CommentSort, string> = { oldest: "Oldest", newest: "Newest", best: "Best" };

/**
 * An article's discussion, rendered on the server for each request with the reader's own state, or
 * once for every reader without cookies (lib/page-cache.ts).
 */
export async function CommentSection({ slug, sort, threads, replyTo, editing, posted }: CommentSectionProps) {
  let page: CommentPage;
  let context: CommentContext;
  let notice: string | undefined;
  try {
    const viewer = await readViewer();
    if (posted && viewer.ownIds.has(posted)) notice = postedMessage(settings().COMMENTS_MODERATION === "pre");
    page = await listComments(slug, { sort, threads, viewer });
    context = {
      slug,
      sort,
      threads,
      replyTo,
      editing,
      name: await rememberedName(),
      // A page kept for readers without cookies gets each answer's own token in this place.
      token: isTemplateRender(await headers()) ? PLACEHOLDER.token : issueFormToken(),
      editMinutes: settings().COMMENT_EDIT_MINUTES,
      now: Date.now(),
    };
  } catch (error) {
    console.error(`comments: cannot list comments for "${slug}"`, error);
    return (
      <section className="comments" id="comments" aria-labelledby="comments-heading">
        <h2 id="comments-heading">Comments</h2>
        <p role="status" className="notice">
          Comments are unavailable right now. The article is all here; please come back later to
          read or join the discussion. If you just posted a comment, it could not be saved: please
          try again in a few minutes.
        </p>
      </section>
    );
  }

  const query = (changes: Record<string, string | number>) => {
    const params = new URLSearchParams();
    const next = { sort, threads, ...changes };
    if (next.sort !== "oldest") params.set("sort", String(next.sort));
    if (Number(next.threads) !== THREADS_PER_PAGE) params.set("threads", String(next.threads));
    const search = params.toString();
    return `/articles/${slug}${search ? `?${search}` : ""}`;
  };

  return (
    <section className="comments" id="comments" aria-labelledby="comments-heading">
      <h2 id="comments-heading">Comments ({page.count})</h2>
      {page.threads.length > 1 && (
        <nav className="comment-sort" aria-label="Sort comments">
          Sort:{" "}
          {(Object.keys(SORT_LABELS) as CommentSort[]).map((option) => (
            <Link
              key={option}
              href={`${query({ sort: option })}#comments`}
              aria-current={option === sort ? "true" : undefined}
              scroll={false}
            >
              {SORT_LABELS[option]}
            </Link>
          ))}
        </nav>
      )}
      {page.threads.length === 0 ? (
        <p className="empty">No comments yet. Be the first to share your thoughts!</p>
      ) : (
        <ol className="comment-list">
          {page.threads.map((comment) => (
            <CommentItem key={comment.id} comment={comment} context={context} />
          ))}
        </ol>
      )}
      {page.hasMore && (
        <p className="more">
          <Link href={`${query({ threads: threads + THREADS_PER_PAGE })}#comments-more`} scroll={false} id="comments-more">
            Show more comments
          </Link>
        </p>
      )}
      <CommentForm slug={slug} token={context.token} defaultName={context.name} notice={notice} />
      <SoftNavigation />
      <RelativeTimes />
      <p className="meta comment-feed">
        <a href={commentFeedPath(slug)}>Follow this discussion (Atom feed)</a>
      </p>
    </section>
  );
}
