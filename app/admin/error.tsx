"use client";

import Link from "next/link";
import { useErrorReference, useErrorWords } from "@/components/RequestId";
import { fill } from "@/lib/i18n/fill";

// Moderation that failed (usually the database away): the decision was not applied, and saying so
// beats a blank server error. The comment section on articles falls back the same way.
export default function AdminError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  const reference = useErrorReference(error.digest);
  const words = useErrorWords();
  return (
    <>
      <h1>{words["admin.errorHeading"]}</h1>
      <p>{fill(words["admin.errorText"], { link: <Link href="/admin">{words["admin.errorLink"]}</Link> })}</p>
      <p>
        <button type="button" onClick={reset}>
          {words["error.retry"]}
        </button>
      </p>
      {reference && <p className="meta">{fill(words["error.reference"], { reference })}</p>}
    </>
  );
}
