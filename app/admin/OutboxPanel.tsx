import { db } from "@/lib/server/db";
import { siteLanguage, t, type MessageKey } from "@/lib/i18n";
import { mailEnabled } from "@/lib/mail/mail";
import { outboxOverview } from "@/lib/mail/outbox";
import { settings } from "@/lib/settings";
import { retryOutboxMessage } from "@/lib/mail/outbox-actions";
import { ActionForm } from "@/components/ActionForm";
import { ADMIN_PATH } from "@/lib/routes";

const KINDS: Record<string, MessageKey> = {
  confirm: "admin.outbox.kind.confirm",
  reply: "admin.outbox.kind.reply",
  author: "admin.outbox.kind.author",
  article: "admin.outbox.kind.article",
  webhook: "admin.outbox.kind.webhook",
  notice: "admin.outbox.kind.notice",
};

/** The outbox on the admin page: what is queued, sent and failing (with the last error), and "Retry now". */
export async function OutboxPanel() {
  if (!mailEnabled() && !settings().WEBHOOK_URL) {
    return (
      <section className="admin-tools" aria-labelledby="outbox-heading">
        <h2 id="outbox-heading">{t("admin.outbox.heading")}</h2>
        <p>{t("admin.outbox.off")}</p>
      </section>
    );
  }
  const { counts, open } = await outboxOverview(db());
  const failing = (row: (typeof open)[number]) =>
    row.status === "failed" || Boolean(row.lastError && row.status === "queued");
  return (
    <section className="admin-tools" aria-labelledby="outbox-heading">
      <h2 id="outbox-heading">{t("admin.outbox.heading")}</h2>
      <p className="meta outbox-counts">
        {t("admin.outbox.counts", {
          queued: (counts.queued ?? 0) + (counts.sending ?? 0),
          sent: counts.sent ?? 0,
          failing: open.filter(failing).length,
          failed: counts.failed ?? 0,
        })}
      </p>
      {open.length > 0 && (
        <ol className="admin-list outbox-list">
          {open.map((row) => (
            <li key={row.id} className="outbox-message" data-status={failing(row) ? "failing" : row.status}>
              <p className="comment-meta">
                {t("admin.outbox.row", {
                  kind: Object.hasOwn(KINDS, row.kind) ? t(KINDS[row.kind]) : row.kind,
                  status: failing(row) ? t("admin.outbox.failing") : row.status,
                  attempts: row.attempts,
                  next: siteLanguage().format.shortTime(row.nextAttemptAt),
                })}
              </p>
              {row.lastError && (
                <p className="comment-source">{t("admin.outbox.lastError", { error: row.lastError })}</p>
              )}
              {failing(row) && (
                <ActionForm action={retryOutboxMessage} permalink={ADMIN_PATH}>
                  <input type="hidden" name="id" value={row.id} />
                  <button type="submit" className="secondary">
                    {t("admin.outbox.retry")}
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
