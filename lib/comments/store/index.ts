import "server-only";

// The comment store: the rows of comments and 👍, read and written, with no rules of its own
// beyond keeping a thread whole (lib/comments/service holds the rules and is the one door for
// writes). Callers import "lib/comments/store" and nothing behind it. Behind it, a file per kind:
// reading.ts (an article's threads as a reader may see them, in pages and sorts, the counts, the
// reader's own comments, a comment for a webhook, the comment feed), writing.ts (creating a
// comment, a reader's edit or deletion of their own, a moderator's decision), reactions.ts (the 👍),
// page-html.ts (each comment's page HTML, kept in its row: every write of a body, the imports' too,
// takes its columns from there) and shared.ts for what they all speak of (Viewer, CommentStatus,
// MAX_DEPTH).

export { MAX_DEPTH, type CommentStatus, type Viewer } from "./shared";
export { htmlColumns, NO_HTML } from "./page-html";
export {
  commentCountsForIndex,
  commentForEvent,
  COMMENT_SORTS,
  countComments,
  countCommentsByArticle,
  listComments,
  listRecentComments,
  MAX_THREADS_PER_PAGE,
  ownCommentsOn,
  pageComments,
  THREADS_PER_PAGE,
  type CommentCursor,
  type CommentPage,
  type CommentSort,
  type CommentView,
} from "./reading";
export {
  createComment,
  deleteOwnComment,
  deleteRemoteComment,
  earlierComments,
  editableUntil,
  editOwnComment,
  editRemoteComment,
  moderateComment,
  remoteComment,
  type RemoteOrigin,
  type RemoteRef,
  type CommentDecision,
  type CreateResult,
  type EarlierComments,
  type NewComment,
  type OwnChange,
} from "./writing";
export { reactedOn, toggleReaction, type ReactionChange } from "./reactions";
