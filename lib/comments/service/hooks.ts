import "server-only";
import type { Db } from "../../server/db";
import { processWide } from "../../process-wide";

// What another wing sets off when a comment is stored, in the comment's own transaction: it
// happens exactly when the comment does (lib/fediverse: the author's answer to a fediverse reply,
// delivered as a Note). A hook says first which comments it wants, so a comment nobody wants is
// stored without a transaction, as before. Registered once per process, by whichever bundle.

export type StoredComment = {
  id: string;
  slug: string;
  /** The comment it answers, as its writer chose it (before threads stop nesting); null for a thread. */
  answers: string | null;
  byAuthor: boolean;
  status: string;
};

export type CommentHook = {
  name: string;
  wants: (comment: Omit<StoredComment, "id">) => boolean;
  run: (tx: Db, comment: StoredComment) => Promise<void>;
};

const hooks = processWide<{ list: CommentHook[] }>("comment-hooks", () => ({ list: [] }));

export function onCommentStored(hook: CommentHook): void {
  hooks.list = [...hooks.list.filter((h) => h.name !== hook.name), hook];
}

/** The hooks that want this comment. */
export const hooksFor = (comment: Omit<StoredComment, "id">) => hooks.list.filter((hook) => hook.wants(comment));
