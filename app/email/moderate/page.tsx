import type { Metadata } from "next";
// `t` is the link's token on these pages: messages are `tr`.
import { t as tr, type MessageKey } from "@/lib/i18n";
import { connection } from "next/server";
import { readMailToken } from "@/lib/mail/subscriptions";
import { db } from "@/lib/server/db";
import { moderateFromMail } from "@/lib/comments/moderation-actions";

export const generateMetadata = (): Metadata => ({
  title: tr("email.moderate.title"),
  robots: { index: false, follow: false },
});

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const RESULTS: Record<string, MessageKey> = {
  "done-approve": "email.moderate.approved",
  "done-hide": "email.moderate.hidden",
  "done-delete": "email.moderate.deleted",
  gone: "email.moderate.gone",
  used: "email.moderate.used",
  expired: "email.moderate.expired",
  invalid: "email.moderate.invalid",
  busy: "email.busy",
};
const said = (result: string) => tr(Object.hasOwn(RESULTS, result) ? RESULTS[result] : RESULTS.invalid);
const LABELS = { approve: "admin.approve", hide: "admin.hide", delete: "comment.delete" } as const;

export default async function ModeratePage({ searchParams }: Props) {
  await connection();
  const params = await searchParams;
  const result = typeof params.result === "string" ? params.result : undefined;
  if (result) {
    return (
      <>
        <h1>{tr("email.moderate.title")}</h1>
        <p role="status">{said(result)}</p>
      </>
    );
  }
  const t = typeof params.t === "string" ? params.t : "";
  const check = await readMailToken(db(), t);
  if (check.kind !== "ok" || check.purpose === "confirm") {
    return (
      <>
        <h1>{tr("email.moderate.title")}</h1>
        <p role="status">{said(check.kind === "ok" ? "invalid" : check.kind)}</p>
      </>
    );
  }
  const comment = await db().comment.findFirst({
    where: { id: check.subject, deletedAt: null },
    select: { authorName: true, articleSlug: true },
  });
  return (
    <>
      <h1>{tr("email.moderate.title")}</h1>
      {comment ? (
        <form action={moderateFromMail}>
          <input type="hidden" name="t" value={t} />
          <p>
            {tr("email.moderate.question", {
              action: check.purpose,
              name: comment.authorName,
              title: comment.articleSlug,
            })}
          </p>
          <button type="submit">{tr(LABELS[check.purpose])}</button>
        </form>
      ) : (
        <p role="status">{said("gone")}</p>
      )}
    </>
  );
}
