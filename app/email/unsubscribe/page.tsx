import type { Metadata } from "next";
// `t` is the link's token on these pages: messages are `tr`.
import { t as tr, type MessageKey } from "@/lib/i18n";
import { connection } from "next/server";
import { describeUnsubscribe, readUnsubscribeToken } from "@/lib/mail/subscriptions";
import { db } from "@/lib/server/db";
import { stopMails } from "@/lib/mail/subscription-actions";

export const generateMetadata = (): Metadata => ({
  title: tr("email.stop.title"),
  robots: { index: false, follow: false },
});

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const RESULTS: Record<string, MessageKey> = {
  "one-done": "email.stop.oneDone",
  "one-already": "email.stop.oneAlready",
  "all-done": "email.stop.allDone",
  "all-already": "email.stop.allAlready",
  "never-done": "email.stop.neverDone",
  "never-already": "email.stop.neverAlready",
  "author-done": "email.stop.authorDone",
  "author-already": "email.stop.authorAlready",
  invalid: "email.stop.invalid",
  busy: "email.busy",
};
const said = (result: string) => tr(Object.hasOwn(RESULTS, result) ? RESULTS[result] : RESULTS.invalid);

export default async function UnsubscribePage({ searchParams }: Props) {
  await connection();
  const params = await searchParams;
  const result = typeof params.result === "string" ? params.result : undefined;
  if (result) {
    return (
      <>
        <h1>{tr("email.stop.title")}</h1>
        <p role="status">{said(result)}</p>
      </>
    );
  }
  const t = typeof params.t === "string" ? params.t : "";
  const target = readUnsubscribeToken(t);
  const what = target ? await describeUnsubscribe(db(), target) : null;
  return (
    <>
      <h1>{tr("email.stop.title")}</h1>
      {!target ? (
        <p role="status">{said("invalid")}</p>
      ) : !what ? (
        <p role="status">{said(`${target.kind}-already`)}</p>
      ) : (
        <form action={stopMails}>
          <input type="hidden" name="t" value={t} />
          <p>{tr("email.stop.question", { what })}</p>
          <button type="submit">
            {tr(
              target.kind === "never"
                ? "email.stop.never"
                : target.kind === "all"
                  ? "email.stop.all"
                  : target.kind === "author"
                    ? "email.stop.author"
                    : "email.stop.one",
            )}
          </button>
        </form>
      )}
    </>
  );
}
