import type { Metadata } from "next";
// `t` is the link's token on these pages: messages are `tr`.
import { t as tr, type MessageKey } from "@/lib/i18n";
import { connection } from "next/server";
import { readMailToken } from "@/lib/mail/subscriptions";
import { db } from "@/lib/server/db";
import { confirmSubscription } from "@/lib/mail/subscription-actions";

export const generateMetadata = (): Metadata => ({
  title: tr("email.confirm.title"),
  robots: { index: false, follow: false },
});

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const RESULTS: Record<string, MessageKey> = {
  ok: "email.confirm.ok",
  used: "email.confirm.used",
  expired: "email.confirm.expired",
  invalid: "email.confirm.invalid",
  busy: "email.busy",
};
const said = (result: string) => tr(Object.hasOwn(RESULTS, result) ? RESULTS[result] : RESULTS.invalid);

export default async function ConfirmPage({ searchParams }: Props) {
  await connection();
  const params = await searchParams;
  const result = typeof params.result === "string" ? params.result : undefined;
  if (result) {
    return (
      <>
        <h1>{tr("email.confirm.title")}</h1>
        <p role="status">{said(result)}</p>
      </>
    );
  }
  const t = typeof params.t === "string" ? params.t : "";
  const check = await readMailToken(db(), t);
  return (
    <>
      <h1>{tr("email.confirm.title")}</h1>
      {check.kind === "ok" && check.purpose === "confirm" ? (
        <form action={confirmSubscription}>
          <input type="hidden" name="t" value={t} />
          <p>{tr("email.confirm.question")}</p>
          <button type="submit">{tr("email.confirm.button")}</button>
        </form>
      ) : (
        <p role="status">{said(check.kind)}</p>
      )}
    </>
  );
}
