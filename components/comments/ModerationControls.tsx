import Link from "next/link";
import { banOnPage, moderateOnPage } from "@/lib/comments/moderation-actions";
import type { BanTarget } from "@/lib/comments/moderation";
import type { CommentView } from "@/lib/comments/store";
import { articlePath, articleUrl } from "@/lib/routes";
import { ActionForm } from "../ActionForm";
import { t } from "@/lib/i18n";

// The signed-in author's buttons under each comment. Delete and Ban ask first: their links reload
// the page with ?confirm=<id> or ?ban=<id>, where the comment shows the real button and a way back
// (no JavaScript needed).

export function ModerationControls({
  comment,
  slug,
  confirming,
  banning,
  hidden,
}: {
  comment: CommentView;
  slug: string;
  confirming: boolean;
  /** Who wrote the comment, when the author asked to ban them. */
  banning: BanTarget | null;
  hidden: boolean;
}) {
  const anchor = `comment-${comment.id}`;
  if (confirming) {
    return (
      <ActionForm
        action={moderateOnPage}
        permalink={articlePath(slug)}
        className="moderation-controls moderation-confirm"
      >
        <input type="hidden" name="slug" value={slug} />
        <input type="hidden" name="id" value={comment.id} />
        <span role="alert">{t("moderate.deleteForGood")}</span>{" "}
        <button name="action" value="delete" className="danger">
          {t("comment.deleteYes")}
        </button>{" "}
        <Link href={articleUrl(slug, undefined, anchor)}>{t("form.cancel")}</Link>
      </ActionForm>
    );
  }
  if (banning) return <BanForm target={banning} slug={slug} anchor={anchor} />;
  return (
    <ActionForm
      action={moderateOnPage}
      permalink={articlePath(slug)}
      className="moderation-controls"
      aria-label={t("moderate.label", { name: comment.authorName || t("moderate.removedAuthor") })}
    >
      <input type="hidden" name="slug" value={slug} />
      <input type="hidden" name="id" value={comment.id} />
      <button name="action" value={hidden || comment.shadow ? "unhide" : "hide"} className="secondary">
        {t(hidden ? "moderate.unhide" : comment.shadow ? "moderate.publish" : "moderate.hide")}
      </button>{" "}
      <button name="action" value={comment.pinned ? "unpin" : "pin"} className="secondary">
        {t(comment.pinned ? "moderate.unpin" : "moderate.pin")}
      </button>{" "}
      <Link href={articleUrl(slug, `confirm=${encodeURIComponent(comment.id)}`, anchor)} className="danger-link">
        {t("moderate.delete")}
      </Link>
      {!comment.byAuthor && (
        <>
          {" "}
          <Link href={articleUrl(slug, `ban=${encodeURIComponent(comment.id)}`, anchor)} className="danger-link">
            {t("moderate.ban")}
          </Link>
        </>
      )}
    </ActionForm>
  );
}

/** What to ban the author by, for how long, and whether their comments go too. */
function BanForm({ target, slug, anchor }: { target: BanTarget; slug: string; anchor: string }) {
  const name = target.authorName || t("moderate.thisAuthor");
  const address = target.authorIp && target.authorIp !== "unknown" ? target.authorIp : null;
  const known = Boolean(target.browserId || address);
  return (
    <ActionForm
      action={banOnPage}
      permalink={articlePath(slug)}
      className="moderation-controls moderation-confirm ban-form"
    >
      <input type="hidden" name="slug" value={slug} />
      <input type="hidden" name="id" value={target.id} />
      <fieldset>
        <legend>
          <span role="alert">{t("moderate.banQuestion", { name })}</span>
        </legend>
        <p className="hint">{t("moderate.banHint")}</p>
        {target.browserId && (
          <label>
            <input type="checkbox" name="by" value="browser" defaultChecked /> {t("moderate.byBrowser")}
          </label>
        )}
        {address && (
          <label>
            <input type="checkbox" name="by" value="address" defaultChecked /> {t("moderate.byAddress", { address })}
          </label>
        )}
        {target.authorName && (
          <label>
            <input type="checkbox" name="by" value="name" defaultChecked={!known} />{" "}
            {t("moderate.byName", { name: target.authorName })}
          </label>
        )}
        <label>
          {t("moderate.newComments")}{" "}
          <select name="banAction" defaultValue="shadow">
            <option value="shadow">{t("moderate.shadow")}</option>
            <option value="queue">{t("moderate.queue")}</option>
            <option value="refuse">{t("moderate.refuse")}</option>
          </select>
        </label>
        <label>
          {t("moderate.for")}{" "}
          <select name="days" defaultValue="">
            <option value="">{t("moderate.forGood")}</option>
            <option value="1">{t("moderate.day")}</option>
            <option value="7">{t("moderate.week")}</option>
            <option value="30">{t("moderate.month")}</option>
            <option value="365">{t("moderate.year")}</option>
          </select>
        </label>
        <label>
          <input type="checkbox" name="shadowExisting" defaultChecked />{" "}
          {t("moderate.hideExisting", { others: known ? target.others : 0 })}
        </label>
      </fieldset>
      <button type="submit" className="danger">
        {t("moderate.banButton")}
      </button>{" "}
      <Link href={articleUrl(slug, undefined, anchor)}>{t("form.cancel")}</Link>
    </ActionForm>
  );
}

export function LockControl({ slug, locked }: { slug: string; locked: boolean }) {
  return (
    <ActionForm action={moderateOnPage} permalink={articlePath(slug)} className="moderation-controls">
      <input type="hidden" name="slug" value={slug} />
      <button name="action" value={locked ? "unlock" : "lock"} className="secondary">
        {t(locked ? "moderate.unlock" : "moderate.lock")}
      </button>
    </ActionForm>
  );
}
