import type { Metadata } from "next";
import { connection } from "next/server";
import { readMailToken } from "@/lib/mail/subscriptions";
import { db } from "@/lib/server/db";
import { confirmSubscription } from "@/lib/mail/subscription-actions";

export const metadata: Metadata = { title: "Confirm your address", robots: { index: false, follow: false } };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const RESULTS: Record<string, string> = {
  ok: "Your address is confirmed. You will get a mail when there is something new to tell you, with a link to stop in each one.",
  used: "This link was used already: your address is confirmed.",
  expired: "This link has expired. Post a comment with the box ticked again to get a new one.",
  invalid: "This link is not valid. Copy it from the mail in full, or ask for a new one.",
  busy: "Too many clicks from your address. Wait a minute and try again.",
};

export default async function ConfirmPage({ searchParams }: Props) {
  await connection();
  const params = await searchParams;
  const result = typeof params.result === "string" ? params.result : undefined;
  if (result) {
    return (
      <>
        <h1>Confirm your address</h1>
        <p role="status">{RESULTS[result] ?? RESULTS.invalid}</p>
      </>
    );
  }
  const t = typeof params.t === "string" ? params.t : "";
  const check = await readMailToken(db(), t);
  return (
    <>
      <h1>Confirm your address</h1>
      {check.kind === "ok" && check.purpose === "confirm" ? (
        <form action={confirmSubscription}>
          <input type="hidden" name="t" value={t} />
          <p>Confirm that you want mail from this site at the address this link was sent to.</p>
          <button type="submit">Confirm my address</button>
        </form>
      ) : (
        <p role="status">{RESULTS[check.kind] ?? RESULTS.invalid}</p>
      )}
    </>
  );
}
