import type { Metadata } from "next";
import { connection } from "next/server";
import { readMailToken } from "@/lib/mail/subscriptions";
import { db } from "@/lib/server/db";
import { moderateFromMail } from "@/lib/comments/moderation-actions";

export const metadata: Metadata = { title: "Moderate a comment", robots: { index: false, follow: false } };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const RESULTS: Record<string, string> = {
  "done-approve": "The comment is approved and published.",
  "done-hide": "The comment is hidden from readers.",
  "done-delete": "The comment is deleted.",
  gone: "That comment is no longer there.",
  used: "This link was used already: each moderation link works once.",
  expired: "This link has expired. Moderate the comment from /admin.",
  invalid: "This link is not valid.",
  busy: "Too many clicks from your address. Wait a minute and try again.",
};
const LABELS = { approve: "Approve", hide: "Hide", delete: "Delete" } as const;

export default async function ModeratePage({ searchParams }: Props) {
  await connection();
  const params = await searchParams;
  const result = typeof params.result === "string" ? params.result : undefined;
  if (result) {
    return (
      <>
        <h1>Moderate a comment</h1>
        <p role="status">{RESULTS[result] ?? RESULTS.invalid}</p>
      </>
    );
  }
  const t = typeof params.t === "string" ? params.t : "";
  const check = await readMailToken(db(), t);
  if (check.kind !== "ok" || check.purpose === "confirm") {
    return (
      <>
        <h1>Moderate a comment</h1>
        <p role="status">{RESULTS[check.kind === "ok" ? "invalid" : check.kind]}</p>
      </>
    );
  }
  const comment = await db().comment.findFirst({
    where: { id: check.subject, deletedAt: null },
    select: { authorName: true, articleSlug: true },
  });
  return (
    <>
      <h1>Moderate a comment</h1>
      {comment ? (
        <form action={moderateFromMail}>
          <input type="hidden" name="t" value={t} />
          <p>
            {LABELS[check.purpose]} the comment by {comment.authorName} on “{comment.articleSlug}”?
          </p>
          <button type="submit">{LABELS[check.purpose]}</button>
        </form>
      ) : (
        <p role="status">{RESULTS.gone}</p>
      )}
    </>
  );
}
