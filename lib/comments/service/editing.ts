import "server-only";
import { commentForEvent, deleteOwnComment, editOwnComment, type OwnChange, type Viewer } from "../store";
import { withinLimit, type Place } from "../../server/rate-limit";
import { rulesReadWith } from "../moderation";
import { settings } from "../../settings";
import { t } from "../../i18n";
import { joinFlags, textFingerprint, type Verdict } from "../spam";
import { commentBodySchema } from "../validation";
import { db as defaultDb, type Db } from "../../server/db";
import { changeComment, commentRate, earlierOf, judge, logged, statusAfterEdit } from "./shared";

// A reader's changes to their own comment within the edit window: an edit, which passes a new
// comment's rules again, and a deletion; and how the page words a refusal.

export type EditResult =
  | { kind: "saved"; body: string; pending: boolean }
  | { kind: "invalid"; errors: string[] }
  | { kind: "rate-limited"; retryAfterSeconds: number }
  | { kind: "not-found" | "not-yours" | "too-late" | "hidden" };

/**
 * The rules every edit of one's own comment passes: validation, the per-address rate limit of new
 * comments, bans, blocklists and the spam score as for a new comment, and moderation: under
 * pre-moderation (or flagged) the edited comment waits for approval again; a banned reader's goes
 * into the shadow, so a ban also keeps them from rewriting what they posted before it.
 */
export async function submitEdit(
  edit: { id: string; body: unknown },
  from: { ip: string; viewer: Viewer },
  db: Db = defaultDb(),
): Promise<EditResult> {
  return logged(
    { action: "edit", commentId: edit.id },
    async () => {
      const config = settings();
      const { key, windows } = commentRate(from.ip, config);
      // New comments and edits share a place under one limit: an edit can carry as much as a
      // comment. Every edit takes its place, a refused one too, before the body is parsed.
      return withinLimit(key, windows, db, saveEdit, () => true);

      async function saveEdit({ earlier, rulesVersion }: Place): Promise<EditResult> {
        rulesReadWith(db, rulesVersion);
        const body = commentBodySchema.safeParse(edit.body);
        if (!body.success) return { kind: "invalid", errors: body.error.issues.map((i) => i.message) };
        const text = body.data;
        const current = from.viewer.ownIds.has(edit.id) ? await commentForEvent(edit.id, db) : null;
        if (current?.status === "hidden") return { kind: "hidden" };
        const fingerprint = textFingerprint(text);
        const verdict: Verdict = current
          ? await judge(
              {
                name: current.name,
                body: text,
                ip: from.ip,
                browserId: from.viewer.voterId ?? null,
                earlier,
                sameTextElsewhere: (
                  await earlierOf({ slug: current.slug, browserId: null, body: text, fingerprint }, db)
                ).sameTextElsewhere,
              },
              db,
            )
          : { kind: "pass", flags: [] };
        if (verdict.kind === "refuse") return { kind: "invalid", errors: [verdict.message] };
        const status = statusAfterEdit(verdict, config);
        const result = await changeComment(
          db,
          { type: "comment.edited", id: edit.id },
          (tx) =>
            editOwnComment(
              edit.id,
              { body: text, status, flags: joinFlags(verdict.flags), fingerprint },
              from.viewer,
              config.COMMENT_EDIT_MINUTES,
              tx,
            ),
          (change) => change.kind === "ok",
        );
        if (result.kind !== "ok") return result;
        return { kind: "saved", body: text, pending: status === "pending" };
      }
    },
    (r) => ({ outcome: r.kind }),
  );
}

/** A reader's deletion of their own comment, within the edit window. */
export async function submitDelete(id: string, from: { viewer: Viewer }, db: Db = defaultDb()): Promise<OwnChange> {
  return logged(
    { action: "delete", commentId: id },
    async () => {
      const editMinutes = settings().COMMENT_EDIT_MINUTES;
      return changeComment(
        db,
        { type: "comment.deleted", id },
        (tx) => deleteOwnComment(id, from.viewer, editMinutes, tx),
        (change) => change.kind === "ok",
      );
    },
    (r) => ({ outcome: r.kind === "ok" ? "deleted" : r.kind }),
  );
}

/** Why a reader's change to their own comment was refused, as the page tells them. */
export function ownChangeRefused(kind: Exclude<OwnChange["kind"], "ok">): string {
  if (kind === "not-yours") return t("edit.notYours");
  if (kind === "not-found") return t("edit.notFound");
  if (kind === "hidden") return "A moderator has hidden this comment, so it can no longer be edited.";
  return t("edit.tooLate", { minutes: settings().COMMENT_EDIT_MINUTES });
}
