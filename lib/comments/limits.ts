// The comment limits alone, for the client components' form attributes: lib/comments/validation.ts
// imports the markdown parser (to count links), which must not end up in the browser's bundle.
export const NAME_MAX = 80;
export const BODY_MAX = 5_000;
export const LINKS_MAX = 5;
/** Replies nest this deep; deeper answers stay at this level, naming whom they answer. */
export const MAX_DEPTH = 3;
/** shadow: from a banned reader, shown to its author alone (a shadow ban). */
export const COMMENT_STATUSES = ["published", "pending", "hidden", "shadow"] as const;

export type CommentField = "name" | "body";
