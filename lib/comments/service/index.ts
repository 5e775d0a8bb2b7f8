import "server-only";
import type * as importing from "./importing";

// The one door to the comment store (as Remark42's service package is to its engine): every write
// (post, edit, delete, 👍, moderation, import) comes through here, with its rules: validation, the
// edit window, limits and rate limits, what it sets off (mail, webhooks, in the change's own
// transaction), and dropping the cached pages it changes. lib/comments/store/ only reads and
// writes rows; actions and route handlers parse, call this and word the outcome.
//
// This index is that door: callers import "lib/comments/service" and nothing behind it. Behind it,
// a file per kind of write (posting, editing one's own comment, the author's moderating, 👍,
// importing, a fediverse reply's edit and deletion by its author), and shared.ts for what several
// of them use.

export { postedMessage, submitComment, type RemoteAuthor, type Submission, type SubmitResult } from "./posting";
export { submitRemoteDelete, submitRemoteEdit, type RemoteChange } from "./remote";
export { onCommentStored, type CommentHook, type StoredComment } from "./hooks";
export { ownChangeRefused, submitDelete, submitEdit, type EditResult } from "./editing";
export {
  addBlock,
  banAuthor,
  banAuthors,
  BLOCK_DAYS,
  lockDiscussion,
  MAX_BULK,
  moderate,
  moderateMany,
  MODERATIONS,
  removeBlock,
  type BanOptions,
  type BanResult,
  type BlockField,
  type BlockResult,
  type Moderation,
} from "./moderating";
export { submitReaction, type ReactionResult } from "./reactions";

// Imports load their readers (sax, parse5, rehype-remark) when one runs: a reader's request, and a
// post, never need them.
export const importBackup: typeof importing.importBackup = async (...args) =>
  (await import("./importing")).importBackup(...args);
export const importFrom: typeof importing.importFrom = async (...args) =>
  (await import("./importing")).importFrom(...args);
