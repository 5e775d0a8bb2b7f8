import { ActionForm } from "@/components/ActionForm";
import { db } from "@/lib/server/db";
import { mailEnabled } from "@/lib/mail/mail";
import { authorMailPaused } from "@/lib/mail/author-mail";
import { switchAuthorMail } from "@/lib/mail/author-mail-actions";
import { ADMIN_PATH } from "@/lib/routes";
import { settings } from "@/lib/settings";
import { t } from "@/lib/i18n";

/**
 * Whether the author gets a mail for each new comment, and the button that turns it the other way.
 * A mail provider's Unsubscribe on one of those mails pauses them; this is where they come back.
 */
export async function AuthorMailSwitch() {
  const to = settings().AUTHOR_EMAIL;
  if (!mailEnabled() || !to) return null;
  const paused = await authorMailPaused(db());
  return (
    <section className="admin-tools" aria-labelledby="author-mail-heading">
      <h2 id="author-mail-heading">{t("admin.mail.heading")}</h2>
      <ActionForm action={switchAuthorMail} permalink={ADMIN_PATH}>
        <p role="status">{t(paused ? "admin.mail.paused" : "admin.mail.on", { to })}</p>
        <input type="hidden" name="paused" value={paused ? "0" : "1"} />
        <button type="submit" className={paused ? undefined : "secondary"}>
          {t(paused ? "admin.mail.resume" : "admin.mail.pause")}
        </button>
      </ActionForm>
    </section>
  );
}
