import "server-only";
import { deleteRemoteComment, editRemoteComment, remoteComment, type RemoteRef } from "../store";
import { withinLimit } from "../../server/rate-limit";
import { settings } from "../../settings";
import { joinFlags, textFingerprint, type Verdict } from "../spam";
import { commentBodySchema } from "../validation";
import { db as defaultDb, type Db } from "../../server/db";
import { changeComment, earlierOf, judge, logged, remoteRates, statusAfterEdit } from "./shared";

// A fediverse reply changed where it was written (lib/fediverse/): its author's Update edits the
// comment and their Delete removes it. Only the actor whose Note became the comment may do
// either (lib/fediverse has checked that they signed the activity). An edit passes a new
// comment's rules again, under the actor's and the instance's limits, as a reader's edit does.

export type RemoteChange =
  | { kind: "saved"; pending: boolean }
  | { kind: "deleted" }
  | { kind: "invalid"; errors: string[] }
  | { kind: "rate-limited"; retryAfterSeconds: number }
  | { kind: "not-found" | "not-yours" | "hidden" };

/** Its author's new text for a fediverse reply (markdown, converted by lib/fediverse). */
export async function submitRemoteEdit(
  edit: RemoteRef & { body: unknown; instance: string },
  db: Db = defaultDb(),
): Promise<RemoteChange> {
  return logged(
    { action: "remote-edit", remoteId: edit.remoteId },
    async () => {
      const config = settings();
      const rates = remoteRates({ actor: edit.actor, instance: edit.instance }, config);
      return withinLimit(
        rates.actor.key,
        rates.actor.windows,
        db,
        async ({ earlier }): Promise<RemoteChange> => {
          const body = commentBodySchema.safeParse(edit.body);
          if (!body.success) return { kind: "invalid", errors: body.error.issues.map((i) => i.message) };
          const found = await remoteComment(edit, db);
          if (found.kind !== "ok") return found;
          const { comment } = found;
          if (comment.status === "hidden") return { kind: "hidden" };
          const fingerprint = textFingerprint(body.data);
          const verdict: Verdict = await judge(
            {
              name: comment.authorName,
              body: body.data,
              ip: "unknown",
              browserId: null,
              earlier,
              instance: edit.instance,
              sameTextElsewhere: (
                await earlierOf({ slug: comment.articleSlug, browserId: null, body: body.data, fingerprint }, db)
              ).sameTextElsewhere,
            },
            db,
          );
          if (verdict.kind === "refuse") return { kind: "invalid", errors: [verdict.message] };
          const status = statusAfterEdit(verdict, config);
          const saved = await changeComment(
            db,
            { type: "comment.edited", id: comment.id },
            (tx) =>
              editRemoteComment(
                comment.id,
                { body: body.data, status, flags: joinFlags(verdict.flags), fingerprint },
                tx,
              ),
            (done) => done,
          );
          return saved ? { kind: "saved", pending: status === "pending" } : { kind: "hidden" };
        },
        () => true,
      );
    },
    (r) => ({ outcome: r.kind }),
  );
}

/** Its author's deletion of a fediverse reply. */
export async function submitRemoteDelete(ref: RemoteRef, db: Db = defaultDb()): Promise<RemoteChange> {
  return logged(
    { action: "remote-delete", remoteId: ref.remoteId },
    async (): Promise<RemoteChange> => {
      const found = await remoteComment(ref, db);
      if (found.kind !== "ok") return found;
      await changeComment(
        db,
        { type: "comment.deleted", id: found.comment.id },
        (tx) => deleteRemoteComment(found.comment.id, tx),
        () => true,
      );
      return { kind: "deleted" };
    },
    (r) => ({ outcome: r.kind }),
  );
}
