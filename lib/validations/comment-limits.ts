// The comment limits alone, for the client components' form attributes: lib/validations/comment.ts
// imports the markdown parser (to count links), which must not end up in the browser's bundle.
export const NAME_MAX = 80;
export const BODY_MAX = 5_000;
export const LINKS_MAX = 5;

export type CommentField = "name" | "body";
