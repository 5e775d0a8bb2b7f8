import { cache } from "react";
import { countComments } from "@/lib/comments/store";

/**
 * An article's published comments, counted once per render: the page's header and its discussion
 * (for a reader with nothing of their own to count) both show the number.
 */
export const publishedCommentCount = cache((slug: string) => countComments(slug));
