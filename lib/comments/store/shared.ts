import "server-only";
import { type COMMENT_STATUSES, MAX_DEPTH } from "../limits";

// What the store's files all speak of: who is looking (Viewer), a comment's status, and how deep
// replies nest.

export { MAX_DEPTH };

export type CommentStatus = (typeof COMMENT_STATUSES)[number];

/** Who is looking: what their signed cookies say they wrote and which browser they are. */
export type Viewer = { ownIds: ReadonlySet<string>; voterId?: string | null; admin?: boolean };
