import { db } from "@/lib/server/db";
import { plural, shortTime } from "@/lib/format";
import { mailEnabled } from "@/lib/mail/mail";
import { outboxOverview } from "@/lib/mail/outbox";
import { settings } from "@/lib/settings";
import { retryOutboxMessage } from "@/lib/mail/outbox-actions";
import { ActionForm } from "@/components/ActionForm";
import { ADMIN_PATH } from "@/lib/routes";

const KINDS: Record<string, string> = {
  confirm: "confirmation",
  reply: "reply notification",
  author: "new-comment mail",
  article: "new-article mail",
  webhook: "webhook",
};

/** The outbox on the admin page: what is queued, sent and failing (with the last error), and "Retry now". */
export async function OutboxPanel() {
  if (!mailEnabled() && !settings().WEBHOOK_URL) {
    return (
      <section className="admin-tools" aria-labelledby="outbox-heading">
        <h2 id="outbox-heading">Outbox</h2>
        <p>Mail is off: set SMTP_URL (and MAIL_FROM) to send reply notifications and new-comment mails.</p>
      </section>
    );
  }
  const { counts, open } = await outboxOverview(db());
  const failing = (row: (typeof open)[number]) =>
    row.status === "failed" || Boolean(row.lastError && row.status === "queued");
  return (
    <section className="admin-tools" aria-labelledby="outbox-heading">
      <h2 id="outbox-heading">Outbox</h2>
      <p className="meta outbox-counts">
        Queued {(counts.queued ?? 0) + (counts.sending ?? 0)} · sent {counts.sent ?? 0} · failing{" "}
        {open.filter(failing).length} · given up {counts.failed ?? 0}
      </p>
      {open.length > 0 && (
        <ol className="admin-list outbox-list">
          {open.map((row) => (
            <li key={row.id} className="outbox-message" data-status={failing(row) ? "failing" : row.status}>
              <p className="comment-meta">
                {KINDS[row.kind] ?? row.kind} · {failing(row) ? "failing" : row.status} ·{" "}
                {plural(row.attempts, "attempt")} · next {shortTime(row.nextAttemptAt)}
              </p>
              {row.lastError && <p className="comment-source">Last error: {row.lastError}</p>}
              {failing(row) && (
                <ActionForm action={retryOutboxMessage} permalink={ADMIN_PATH}>
                  <input type="hidden" name="id" value={row.id} />
                  <button type="submit" className="secondary">
                    Retry now
                  </button>
                </ActionForm>
              )}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
