import { db } from "@/lib/server/db";
import { settings } from "@/lib/settings";
import { siteLanguage } from "@/lib/i18n";
import { listFollowers, FOLLOWERS_SHOWN } from "@/lib/fediverse/followers";
import { blockInstanceAction, removeFollowerAction } from "@/lib/fediverse/admin-actions";
import { ActionForm } from "@/components/ActionForm";
import { ADMIN_PATH } from "@/lib/routes";

/** Who follows the site on the fediverse (docs/fediverse.md), with Remove and Block instance. */
export async function FollowersPanel() {
  if (settings().FEDIVERSE !== "on") return null;
  const { t, format } = siteLanguage();
  const { count, rows } = await listFollowers(db());
  return (
    <section className="admin-tools" aria-labelledby="followers-heading">
      <h2 id="followers-heading">{t("admin.followers.heading")}</h2>
      <p className="meta">
        {count === 0
          ? t("admin.followers.none")
          : count > FOLLOWERS_SHOWN
            ? t("admin.followers.countLatest", { count, shown: FOLLOWERS_SHOWN })
            : t("admin.followers.count", { count })}
      </p>
      {rows.length > 0 && (
        <ol className="admin-list followers-list">
          {rows.map((row) => (
            <li key={row.id}>
              <p className="comment-meta">
                <a href={row.id} rel="nofollow" dir="ltr">
                  {row.handle}
                </a>{" "}
                · {t("admin.followers.since", { date: format.shortTime(row.createdAt) })}
              </p>
              <ActionForm action={removeFollowerAction} permalink={ADMIN_PATH}>
                <input type="hidden" name="id" value={row.id} />
                <button type="submit" className="secondary">
                  {t("admin.followers.remove")}
                </button>
              </ActionForm>
              <ActionForm action={blockInstanceAction} permalink={ADMIN_PATH}>
                <input type="hidden" name="domain" value={row.domain} />
                <button type="submit" className="secondary">
                  {t("admin.followers.block", { domain: row.domain })}
                </button>
              </ActionForm>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
