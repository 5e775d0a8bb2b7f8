import type { Metadata } from "next";
import { connection } from "next/server";
import { describeUnsubscribe, readUnsubscribeToken } from "@/lib/mail/subscriptions";
import { db } from "@/lib/server/db";
import { stopMails } from "@/lib/mail/subscription-actions";

export const metadata: Metadata = { title: "Unsubscribe", robots: { index: false, follow: false } };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const RESULTS: Record<string, string> = {
  "one-done": "Done: you will get no more of these mails.",
  "one-already": "You were already unsubscribed from these mails.",
  "all-done": "Done: your address is deleted from this site, and no more mail will be sent to it.",
  "all-already": "Your address was already deleted from this site.",
  "never-done": "Done: this site will never send mail to this address again, nor to any +tag spelling of it.",
  "never-already": "This address was already blocked: this site sends it no mail.",
  "author-done": "Done: new-comment mails are paused. Switch them back on in /admin.",
  "author-already": "New-comment mails are already paused (or go to another address now). Switch them on in /admin.",
  invalid: "This link is not valid. Copy it from the mail in full.",
  busy: "Too many clicks from your address. Wait a minute and try again.",
};

export default async function UnsubscribePage({ searchParams }: Props) {
  await connection();
  const params = await searchParams;
  const result = typeof params.result === "string" ? params.result : undefined;
  if (result) {
    return (
      <>
        <h1>Unsubscribe</h1>
        <p role="status">{RESULTS[result] ?? RESULTS.invalid}</p>
      </>
    );
  }
  const t = typeof params.t === "string" ? params.t : "";
  const target = readUnsubscribeToken(t);
  const what = target ? await describeUnsubscribe(db(), target) : null;
  return (
    <>
      <h1>Unsubscribe</h1>
      {!target ? (
        <p role="status">{RESULTS.invalid}</p>
      ) : !what ? (
        <p role="status">{RESULTS[`${target.kind}-already`]}</p>
      ) : (
        <form action={stopMails}>
          <input type="hidden" name="t" value={t} />
          <p>Stop {what}?</p>
          <button type="submit">
            {target.kind === "never"
              ? "Never mail me again"
              : target.kind === "all"
                ? "Stop everything and delete my address"
                : target.kind === "author"
                  ? "Pause new-comment mails"
                  : "Unsubscribe"}
          </button>
        </form>
      )}
    </>
  );
}
